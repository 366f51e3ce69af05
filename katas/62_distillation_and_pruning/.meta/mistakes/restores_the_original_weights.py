"""Makes the weights from before pruning (`weight_orig`) the permanent ones: the mask is gone,
and so are the zeros."""

from solution import *


def make_pruning_permanent(model):
    for module in model.modules():
        if hasattr(module, "weight_mask"):
            weight = nn.Parameter(module.weight_orig.detach().clone())
            prune.remove(module, "weight")
            module.weight = weight
