"""Normalises over the batch dimension too: each sample's output depends on the others."""

from solution import *


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    dims = (0, *range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=False, keepdim=True)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat
