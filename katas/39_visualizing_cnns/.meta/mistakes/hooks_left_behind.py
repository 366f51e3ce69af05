"""Registers forward hooks and never removes them: they keep firing on every later forward pass."""

from solution import *


def collect_feature_maps(model, layers, images):
    outputs = {}
    for name, layer in layers.items():
        layer.register_forward_hook(
            lambda m, i, o, name=name: outputs.__setitem__(name, o.detach())
        )
    with torch.no_grad():
        model(images)
    return outputs
