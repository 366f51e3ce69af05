"""Kata 54: quantization basics.

Fill in every function below; `katas/54_quantization_basics/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/54_quantization_basics
"""

import torch
from torch import nn

QMIN, QMAX = -128, 127  # the int8 range
EPS = torch.finfo(torch.float32).eps  # the smallest scale: an all-zero tensor still gets one


def _along(values: torch.Tensor, dim: int | None, ndim: int) -> torch.Tensor:
    """Given: shapes per-channel `values` (C,) so they broadcast along `dim` of an `ndim`-d
    tensor, e.g. (C,) -> (C, 1) for dim=0 of a matrix; per-tensor values (dim=None) as they are."""
    if dim is None:
        return values
    shape = [1] * ndim
    shape[dim] = -1
    return values.reshape(shape)


def qparams(
    x: torch.Tensor, symmetric: bool, dim: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 1. The int8 scale and zero point that cover the values of `x`.

    symmetric=True: zero_point 0 and scale = max|x| / 127, so the grid is [-127, 127] * scale.
    symmetric=False (asymmetric): the range [min(x.min(), 0), max(x.max(), 0)] (zero always
    included) spread over all 256 levels: scale = (hi - lo) / 255, and the zero point is the
    integer that 0.0 maps to: round(-128 - lo / scale), within [-128, 127].
    Either way the scale is at least EPS.
    dim=None: per tensor, 0-d results. dim=d: per channel along dim d, results of shape
    (x.shape[d],), each from the values of its own slice x.select(d, c).
    Returns (scale: float32, zero_point: int32).
    """
    # BEGIN SOLUTION: Task 1: reduce over every dim but `dim`, then fit the range to the grid
    other_dims = tuple(d for d in range(x.ndim) if dim is None or d != dim % x.ndim)
    if symmetric:
        largest = x.abs().amax(dim=other_dims)  # () or (C,)
        scale = (largest / QMAX).clamp(min=EPS)
        zero_point = torch.zeros_like(scale, dtype=torch.int32)
    else:
        lo = x.amin(dim=other_dims).clamp(max=0.0)  # 0.0 must be on the grid
        hi = x.amax(dim=other_dims).clamp(min=0.0)
        scale = ((hi - lo) / (QMAX - QMIN)).clamp(min=EPS)
        zero_point = torch.round(QMIN - lo / scale).clamp(QMIN, QMAX).to(torch.int32)
    return scale.to(torch.float32), zero_point
    # END SOLUTION


def quantize(
    x: torch.Tensor, scale: torch.Tensor, zero_point: torch.Tensor, dim: int | None = None
) -> torch.Tensor:
    """Task 2. int8 codes of `x`: round(x / scale) + zero_point, saturated to [-128, 127]
    (values beyond the range become -128 or 127, never wrap around).

    scale, zero_point: 0-d (per tensor, dim=None) or (x.shape[dim],) (per channel along dim).
    Returns an int8 tensor of x's shape; `x` is left unchanged.
    """
    # BEGIN SOLUTION: Task 2: divide, round to the nearest level, shift, clamp, then cast
    scale, zero_point = _along(scale, dim, x.ndim), _along(zero_point, dim, x.ndim)
    codes = torch.round(x / scale) + zero_point
    return codes.clamp(QMIN, QMAX).to(torch.int8)  # clamp first: casting wraps around
    # END SOLUTION


def dequantize(
    q: torch.Tensor, scale: torch.Tensor, zero_point: torch.Tensor, dim: int | None = None
) -> torch.Tensor:
    """Task 3. The float32 values the int8 codes `q` stand for: (q - zero_point) * scale.

    scale, zero_point as in `quantize`. For x within the range, |dequantize(quantize(x)) - x| is
    at most scale / 2: half a step.
    """
    # BEGIN SOLUTION: Task 3: undo the shift in integers, then scale in floats
    scale, zero_point = _along(scale, dim, q.ndim), _along(zero_point, dim, q.ndim)
    return (q.to(torch.int32) - zero_point).to(torch.float32) * scale
    # END SOLUTION


def int_accumulate(
    x_q: torch.Tensor, x_zero_point: torch.Tensor, weight_q: torch.Tensor
) -> torch.Tensor:
    """Task 4. The exact integer products of a quantized linear layer:
    acc[n, o] = sum over i of (x_q[n, i] - x_zero_point) * weight_q[o, i].

    x_q: (N, I) int8 codes of the input (per tensor, zero point x_zero_point, 0-d int32).
    weight_q: (O, I) int8 codes of the weight (symmetric: zero point 0).
    Returns (N, O) int32, exact (no overflow for I up to 2**16).
    """
    # BEGIN SOLUTION: Task 4: widen to int32 before subtracting and multiplying
    x_shifted = x_q.to(torch.int32) - x_zero_point  # (N, I), in [-255, 255]
    return x_shifted @ weight_q.to(torch.int32).T  # (N, I) @ (I, O) -> (N, O) int32
    # END SOLUTION


class QuantizedLinear(nn.Module):
    """Task 5. An int8 version of an nn.Linear: weights quantized once, per output channel and
    symmetric; each input quantized when it arrives, per tensor and asymmetric (dynamic
    quantization); the product accumulated in int32, then scaled back to float32.

    Build it with QuantizedLinear.from_float(linear). Buffers:
    weight_q (O, I) int8, weight_scale (O,) float32, bias (O,) float32 or None.
    forward(x): x (N, I) float32 -> (N, O) float32, close to linear(x) (see the README's bound).
    """

    def __init__(self, weight_q: torch.Tensor, weight_scale: torch.Tensor, bias):
        super().__init__()
        self.register_buffer("weight_q", weight_q)
        self.register_buffer("weight_scale", weight_scale)
        self.register_buffer("bias", bias)

    @classmethod
    def from_float(cls, linear: nn.Linear) -> "QuantizedLinear":
        # BEGIN SOLUTION: Task 5: one symmetric scale per output channel (per row of the weight)
        weight = linear.weight.detach()  # (O, I)
        scale, zero_point = qparams(weight, symmetric=True, dim=0)  # (O,), (O,)
        weight_q = quantize(weight, scale, zero_point, dim=0)
        bias = None if linear.bias is None else linear.bias.detach().clone()
        return cls(weight_q, scale, bias)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 5: quantize the input, multiply in integers, scale once at the end
        x_scale, x_zero_point = qparams(x, symmetric=False)  # per tensor, from this input
        x_q = quantize(x, x_scale, x_zero_point)  # (N, I) int8
        acc = int_accumulate(x_q, x_zero_point, self.weight_q)  # (N, O) int32
        y = acc.to(torch.float32) * (x_scale * self.weight_scale)  # (N, O) * (O,)
        return y if self.bias is None else y + self.bias
        # END SOLUTION
