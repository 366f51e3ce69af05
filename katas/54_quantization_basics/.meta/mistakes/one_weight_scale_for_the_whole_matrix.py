"""Quantizes the weight per tensor: one scale for every output channel, so small rows lose
most of their precision."""

from solution import *


class QuantizedLinear(QuantizedLinear):
    @classmethod
    def from_float(cls, linear):
        weight = linear.weight.detach()
        scale, zero_point = qparams(weight, symmetric=True)
        weight_q = quantize(weight, scale, zero_point)
        bias = None if linear.bias is None else linear.bias.detach().clone()
        return cls(weight_q, scale.expand(weight.shape[0]).clone(), bias)
