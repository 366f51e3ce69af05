"""Kata 20: weight initialization.

Fill in every function below; `katas/20_weight_initialization/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/20_weight_initialization
"""

import math

import torch
from torch import nn


def fan_in_and_fan_out(weight: torch.Tensor) -> tuple[int, int]:
    """Task 1. (fan_in, fan_out) of a layer's weight, as torch.nn.init counts them.

    Linear weight: (out_features, in_features) -> (in_features, out_features).
    Conv weight: (out_channels, in_channels, *kernel) -> each multiplied by the kernel's size
    (the receptive field): (in_channels * k, out_channels * k), k = prod(kernel).
    Needs at least 2 dimensions (raise ValueError otherwise). Returns Python ints.
    """
    raise NotImplementedError(
        "Task 1: each output sees in_channels times the kernel's size of inputs"
    )


def gain(nonlinearity: str, negative_slope: float = 0.01) -> float:
    """Task 2. The gain torch.nn.init.calculate_gain recommends for `nonlinearity`.

    "linear" and "sigmoid": 1; "tanh": 5/3; "relu": sqrt(2);
    "leaky_relu": sqrt(2 / (1 + negative_slope ** 2)). Anything else: ValueError.
    """
    raise NotImplementedError("Task 2: ReLU halves the second moment, so its gain gives it back")


def xavier_uniform_(
    weight: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Task 3. Fill `weight` IN PLACE from U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)),
    without recording it in autograd's graph, and return `weight` itself.

    Variance a^2 / 3 = gain^2 * 2 / (fan_in + fan_out) (Glorot & Bengio, 2010).
    `generator`, when given, is the only source of randomness (same seed, same weights).
    """
    raise NotImplementedError(
        "Task 3: the bound of a uniform is sqrt(3) times its standard deviation"
    )


def kaiming_normal_(
    weight: torch.Tensor,
    mode: str = "fan_in",
    nonlinearity: str = "relu",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Task 4. Fill `weight` IN PLACE from N(0, std^2), std = gain(nonlinearity) / sqrt(fan),
    fan = fan_in (mode="fan_in", keeps the forward pass's variance) or fan_out
    (mode="fan_out", keeps the backward pass's). No autograd recording; returns `weight`.
    """
    raise NotImplementedError("Task 4: pick the fan by mode, the gain by nonlinearity")


def init_relu_network_(model: nn.Module, generator: torch.Generator | None = None) -> nn.Module:
    """Task 5. Re-initialise every nn.Linear inside `model` (at any depth) for ReLU: weights with
    kaiming_normal_(mode="fan_in", nonlinearity="relu"), biases (when present) to zero.
    Other modules are left alone. Returns `model`.

    With it, the activations of a deep ReLU stack keep their scale from the first layer to the
    last; with PyTorch's default init they shrink layer after layer.
    """
    raise NotImplementedError(
        "Task 5: every Linear layer at any depth, not only the direct children"
    )
