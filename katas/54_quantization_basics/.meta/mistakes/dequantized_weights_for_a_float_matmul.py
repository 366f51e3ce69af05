"""Dequantizes the weights and runs a float matmul: right values, but no integer arithmetic,
so none of int8's speed or memory-bandwidth gain (this is fake quantization)."""

from solution import *


class QuantizedLinear(QuantizedLinear):
    def forward(self, x):
        x_scale, x_zero_point = qparams(x, symmetric=False)
        x_restored = dequantize(quantize(x, x_scale, x_zero_point), x_scale, x_zero_point)
        weight = dequantize(
            self.weight_q,
            self.weight_scale,
            torch.zeros_like(self.weight_q, dtype=torch.int32)[:, 0],
            dim=0,
        )
        return torch.nn.functional.linear(x_restored, weight, self.bias)
