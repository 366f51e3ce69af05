"""Pairs each window with its own last value instead of the value after it: the model learns
to copy its input, and the forecast never moves forward."""

from solution import *


def make_windows(series, window):
    inputs = series[:-1].unfold(0, window, 1)
    return inputs, series[window - 1 : -1]
