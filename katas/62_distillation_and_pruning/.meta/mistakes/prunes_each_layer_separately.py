"""Prunes `amount` of each layer on its own: the right total, but a layer of small weights keeps
weights smaller than ones pruned elsewhere."""

from solution import *


def prune_globally(model, amount):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            prune.l1_unstructured(module, "weight", amount=amount)
