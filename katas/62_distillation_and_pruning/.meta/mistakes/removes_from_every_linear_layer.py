"""Calls prune.remove on every Linear layer, which raises for a layer that was never pruned."""

from solution import *


def make_pruning_permanent(model):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            prune.remove(module, "weight")
