"""Divides by std + eps instead of sqrt(var + eps) in layer_norm: wrong when the variance is small."""

from solution import *


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    std = x.std(dim=dims, unbiased=False, keepdim=True)
    x_hat = (x - mean) / (std + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat
