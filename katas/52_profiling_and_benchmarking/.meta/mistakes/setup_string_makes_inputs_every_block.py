"""Makes the matrices in the timer's setup string: setup runs again before every block that
blocked_autorange measures, so the inputs are remade many times (and never the same ones)."""

from solution import *


def benchmark_sizes(sizes, min_run_time=0.05):
    measurements = []
    for n in sizes:
        timer = benchmark.Timer(
            stmt="a @ b",
            setup=f"a = torch.randn({n}, {n}); b = torch.randn({n}, {n})",
            label="matmul",
            sub_label=f"{n}x{n}x{n}",
            description="cpu",
        )
        measurements.append(timer.blocked_autorange(min_run_time=min_run_time))
    return measurements
