"""Times 10 runs whatever the size: a tiny product is measured over microseconds, far less than
min_run_time, so the median is mostly noise."""

from solution import *


def benchmark_sizes(sizes, min_run_time=0.05):
    measurements = []
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        measurements.append(matmul_timer(a, b).timeit(10))
    return measurements
