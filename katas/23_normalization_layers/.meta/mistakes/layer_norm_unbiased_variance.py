"""Divides by n - 1 in layer_norm's variance (torch.var's default): LayerNorm uses the biased one."""

from solution import *


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    x_hat = (x - mean) / torch.sqrt(x.var(dim=dims, keepdim=True) + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat
