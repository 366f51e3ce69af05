"""Queues fn on the side stream without waiting for main: the side stream may read x before
main has finished writing it."""

from solution import *


def run_on_side_stream(fn, x, side, main):
    with side:
        result = fn(x)
    main.wait_stream(side)
    return result
