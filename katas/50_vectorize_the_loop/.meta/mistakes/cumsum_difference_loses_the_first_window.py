"""Differences of the running sum without a leading zero: the first window is lost and every
window after it is one step late."""

from solution import *


def moving_average(x, window):
    running = x.cumsum(dim=-1)
    return (running[..., window:] - running[..., :-window]) / window
