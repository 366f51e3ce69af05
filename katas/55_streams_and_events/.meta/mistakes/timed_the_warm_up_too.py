"""Starts the clock before the warm-up calls: the first, slow calls (compilation, caches,
allocator) inflate the average."""

from solution import *


def time_ms(fn, device, warmup=2, repeats=10, clock=time.perf_counter):
    start = clock()
    for _ in range(warmup + repeats):
        fn()
    return (clock() - start) * 1000 / (warmup + repeats)
