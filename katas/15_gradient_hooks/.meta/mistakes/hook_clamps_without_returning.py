"""The hook computes the clamped gradient but returns nothing, so the gradient is unchanged."""

from solution import *


def clamp_gradients_with_hooks(module, limit):
    def hook(grad):
        grad.clamp(-limit, limit)

    return [p.register_hook(hook) for p in module.parameters()]
