"""freeze tests `prefix in name`, so "0" also freezes "1.0.weight"; the prefix is a start."""

from solution import *


def freeze(module, prefix):
    frozen = []
    for name, p in module.named_parameters():
        if prefix in name:
            p.requires_grad_(False)
            frozen.append(name)
    return frozen
