"""Kata 52: profiling and benchmarking.

Fill in every function below; `katas/52_profiling_and_benchmarking/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/52_profiling_and_benchmarking
"""

from collections.abc import Callable, Sequence

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils import benchmark


def operator_counts(fn: Callable, *args) -> dict[str, int]:
    """Task 1. Profile one call of fn(*args) on the CPU and count the operators it ran.

    Returns {operator name: number of calls}, with the profiler's names ("aten::mm",
    "aten::add", ...), for every operator the profiler recorded during that one call.
    """
    # BEGIN SOLUTION: Task 1: record one call, then read the profiler's table grouped by operator
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn(*args)
    return {event.key: event.count for event in prof.key_averages()}
    # END SOLUTION


def dominant_operator(fn: Callable, *args) -> str:
    """Task 2. The operator that spent the most time in itself during one call of fn(*args) on
    the CPU: its own (self) CPU time, not counting the operators it called.

    Returns the profiler's name for it, e.g. "aten::mm". A wrapper such as aten::matmul, whose
    total time includes the aten::mm it calls, is not the answer.
    """
    # BEGIN SOLUTION: Task 2: rank by self time, so wrappers do not take credit for their callees
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn(*args)
    slowest = max(prof.key_averages(), key=lambda event: event.self_cpu_time_total)
    return slowest.key
    # END SOLUTION


def matmul_timer(a: torch.Tensor, b: torch.Tensor) -> benchmark.Timer:
    """Task 3. A torch.utils.benchmark.Timer whose timed statement is `a @ b` on these very
    tensors, and nothing else: no tensor is created, copied or moved inside the statement.

    label "matmul", sub_label the shape as "{rows}x{inner}x{cols}" (a: rows x inner,
    b: inner x cols), description the device type ("cpu", "cuda", ...).
    """
    # BEGIN SOLUTION: Task 3: hand the tensors to the timer, time only the product
    rows, inner = a.shape
    cols = b.shape[1]
    return benchmark.Timer(
        stmt="a @ b",
        globals={"a": a, "b": b},  # made outside: only the product is timed
        label="matmul",
        sub_label=f"{rows}x{inner}x{cols}",
        description=a.device.type,
    )
    # END SOLUTION


def benchmark_sizes(
    sizes: Sequence[int], min_run_time: float = 0.05
) -> list[benchmark.Measurement]:
    """Task 4. Benchmark the product of two random n x n float32 CPU matrices for each n.

    Returns one Measurement per size, in order, each from task 3's timer (so the sub_label says
    the size) run with blocked_autorange(min_run_time=min_run_time). The matrices are made once
    per size, outside the timed statement. benchmark.Compare(result).print() shows a table.
    """
    # BEGIN SOLUTION: Task 4: inputs first, then let blocked_autorange pick how often to run
    measurements = []
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        measurements.append(matmul_timer(a, b).blocked_autorange(min_run_time=min_run_time))
    return measurements
    # END SOLUTION
