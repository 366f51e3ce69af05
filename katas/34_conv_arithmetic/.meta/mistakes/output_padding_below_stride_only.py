"""Allows output_padding only below the stride: PyTorch also accepts anything below the dilation when that is larger."""

from solution import *


def output_padding_for(target, size, kernel, stride=1, padding=0, dilation=1):
    missing = target - conv_transpose_output_size(size, kernel, stride, padding, 0, dilation)
    if not 0 <= missing < stride:
        raise ValueError(f"no output_padding turns {size} into {target} with these settings")
    return missing
