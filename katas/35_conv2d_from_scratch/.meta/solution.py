"""Kata 35: conv2d from scratch.

Fill in every function below; `katas/35_conv2d_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/35_conv2d_from_scratch
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """3 -> (3, 3); (2, 1) stays (2, 1)."""
    return (value, value) if isinstance(value, int) else tuple(value)


def conv2d_unfold(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """Task 1. F.conv2d (groups=1) as F.unfold followed by one matrix multiplication.

    x: (N, C_in, H, W); weight: (C_out, C_in, kH, kW); bias: (C_out,) or None.
    Returns (N, C_out, H_out, W_out), equal to F.conv2d(x, weight, bias, stride, padding, dilation).
    F.conv2d and nn.Conv2d may not be used.
    """
    # BEGIN SOLUTION: Task 1: unfold the patches, flatten the weight to match, multiply, put the positions back into (H_out, W_out)
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    # (N, C_in, H, W) -> (N, C_in * kH * kW, L): one column per output position, L = H_out * W_out
    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))
    # unfold orders each column as (C_in, kH, kW), exactly the order weight.view flattens in
    rows = weight.reshape(c_out, -1)  # (C_out, C_in * kH * kW)
    out = rows @ columns  # (C_out, K) @ (N, K, L) -> (N, C_out, L)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, h_out, w_out)
    # END SOLUTION


def conv2d_grouped(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    groups: int = 1,
) -> torch.Tensor:
    """Task 2. F.conv2d with groups, through unfold and a batched matrix multiplication.

    x: (N, C_in, H, W); weight: (C_out, C_in // groups, kH, kW); C_in and C_out divisible by
    groups. Output channels [g * C_out/groups, (g+1) * C_out/groups) see only input channels
    [g * C_in/groups, (g+1) * C_in/groups). Returns (N, C_out, H_out, W_out).
    """
    # BEGIN SOLUTION: Task 2: each group of output channels sees only its own group of input channels: split both sides, multiply group by group
    n, _, h, w = x.shape
    c_out, c_per_group, kh, kw = weight.shape
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    columns = F.unfold(x, (kh, kw), padding=(ph, pw), stride=(sh, sw))  # (N, C_in*kH*kW, L)
    # Rows of a column run over channels first, so each group's channels are one contiguous block.
    # (N, C_in*kH*kW, L) -> (N, G, C_in/G * kH*kW, L)
    columns = columns.view(n, groups, c_per_group * kh * kw, -1)
    # (C_out, C_in/G, kH, kW) -> (G, C_out/G, C_in/G * kH*kW)
    rows = weight.reshape(groups, c_out // groups, -1)
    out = rows @ columns  # (G, O, K) @ (N, G, K, L) -> (N, G, O, L)
    out = out.reshape(n, c_out, -1)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, h_out, w_out)
    # END SOLUTION


class Conv2dFromScratch(nn.Module):
    """Task 3. A drop-in for nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
    groups, bias): parameters `weight` and `bias` with nn.Conv2d's names, shapes and
    initialisation, so that its state_dict loads into either module; forward uses conv2d_grouped.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
    ):
        super().__init__()
        self.stride, self.padding, self.groups = stride, padding, groups
        # BEGIN SOLUTION: Task 3: a weight (out, in // groups, kH, kW) and an optional bias (out,), initialised like nn.Conv2d's
        kh, kw = pair(kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, kh, kw))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        # nn.Conv2d's reset_parameters: Kaiming uniform with a = sqrt(5), bias from +-1/sqrt(fan_in)
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = (in_channels // groups) * kh * kw
            bound = 1 / math.sqrt(fan_in)
            nn.init.uniform_(self.bias, -bound, bound)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, H, W) -> (N, C_out, H_out, W_out)"""
        # BEGIN SOLUTION: Task 3: call Task 2 with the module's settings
        return conv2d_grouped(x, self.weight, self.bias, self.stride, self.padding, self.groups)
        # END SOLUTION
