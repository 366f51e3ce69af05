"""Drops the generator in init_relu_network_: the layers draw from the global RNG instead."""

from solution import *


def init_relu_network_(model, generator=None):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            kaiming_normal_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model
