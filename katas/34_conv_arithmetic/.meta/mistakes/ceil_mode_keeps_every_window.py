"""Rounds up for ceil_mode but keeps a last window that would start in the right padding."""

from solution import *


def pool_output_size(size, kernel, stride=None, padding=0, dilation=1, ceil_mode=False):
    stride = kernel if stride is None else stride
    steps = (size + 2 * padding - dilation * (kernel - 1) - 1) / stride
    return (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1
