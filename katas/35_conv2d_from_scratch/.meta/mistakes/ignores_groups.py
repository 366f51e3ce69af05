"""Ignores groups: every output channel is computed from the first C_in / groups input channels only."""

from solution import *


def conv2d_grouped(x, weight, bias=None, stride=1, padding=0, groups=1):
    c_per_group = weight.shape[1]
    return conv2d_unfold(x[:, :c_per_group], weight, bias, stride, padding)
