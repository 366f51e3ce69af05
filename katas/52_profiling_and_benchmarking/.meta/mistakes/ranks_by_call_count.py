"""Takes the operator called most often for the most expensive one: many tiny additions beat
one product that takes a thousand times longer."""

from solution import *


def dominant_operator(fn, *args):
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn(*args)
    return max(prof.key_averages(), key=lambda event: event.count).key
