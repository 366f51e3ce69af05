"""Assumes the transposed convolution inverts the strided one on its own: floor division lost the remainder, output_padding must restore it."""

from solution import *


def output_padding_for(target, size, kernel, stride=1, padding=0, dilation=1):
    return 0
