"""Divides by fan_out whatever the mode: the forward pass's variance is no longer kept."""

from solution import *


def kaiming_normal_(weight, mode="fan_in", nonlinearity="relu", generator=None):
    _, fan_out = fan_in_and_fan_out(weight)
    std = gain(nonlinearity) / math.sqrt(fan_out)
    with torch.no_grad():
        return weight.normal_(0.0, std, generator=generator)
