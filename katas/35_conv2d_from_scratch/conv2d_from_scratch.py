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
    raise NotImplementedError(
        "Task 1: unfold the patches, flatten the weight to match, multiply, put the positions back "
        "into (H_out, W_out)"
    )


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
    raise NotImplementedError(
        "Task 2: each group of output channels sees only its own group of input channels: split "
        "both sides, multiply group by group"
    )


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
        raise NotImplementedError(
            "Task 3: a weight (out, in // groups, kH, kW) and an optional bias (out,), initialised "
            "like nn.Conv2d's"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, H, W) -> (N, C_out, H_out, W_out)"""
        raise NotImplementedError("Task 3: call Task 2 with the module's settings")
