"""Ranks operators by total CPU time: aten::matmul includes the aten::mm it calls, so the
wrapper comes out on top instead of the operator doing the work."""

from solution import *


def dominant_operator(fn, *args):
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn(*args)
    return max(prof.key_averages(), key=lambda event: event.cpu_time_total).key
