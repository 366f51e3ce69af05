"""Warms up inside the profiler: the warm-up call is recorded too, and every count doubles."""

from solution import *


def operator_counts(fn, *args):
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn(*args)  # warm-up
        fn(*args)
    return {event.key: event.count for event in prof.key_averages()}
