"""Multiplies the int8 codes as they are: the sums overflow int8 and wrap around."""

from solution import *


def int_accumulate(x_q, x_zero_point, weight_q):
    return ((x_q - x_zero_point.to(torch.int8)) @ weight_q.T).to(torch.int32)


class QuantizedLinear(QuantizedLinear):
    def forward(self, x):
        x_scale, x_zero_point = qparams(x, symmetric=False)
        acc = int_accumulate(quantize(x, x_scale, x_zero_point), x_zero_point, self.weight_q)
        y = acc.to(torch.float32) * (x_scale * self.weight_scale)
        return y if self.bias is None else y + self.bias
