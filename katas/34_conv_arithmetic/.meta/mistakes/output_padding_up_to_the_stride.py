"""Accepts an output_padding equal to max(stride, dilation): off by one, the layer itself rejects it."""

from solution import *


def output_padding_for(target, size, kernel, stride=1, padding=0, dilation=1):
    missing = target - conv_transpose_output_size(size, kernel, stride, padding, 0, dilation)
    if not 0 <= missing <= max(stride, dilation):
        raise ValueError(f"no output_padding turns {size} into {target} with these settings")
    return missing
