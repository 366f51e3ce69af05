"""Kata 18: activations from scratch.

Fill in every function below; `katas/18_activations_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/18_activations_from_scratch
Build each from elementary tensor operations (exp, log, erf, tanh, max, where...), not from
torch.nn.functional or torch.softmax: the tests compare your results with those.
"""

import math

import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    """Task 1. max(x, 0) elementwise. Any shape and float dtype -> same shape and dtype."""
    raise NotImplementedError("Task 1: negative values become 0, the rest pass through")


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """Task 2. GELU(x) = x * Phi(x), Phi the standard normal CDF.

    approximate="none": Phi(x) = (1 + erf(x / sqrt(2))) / 2, exactly.
    approximate="tanh": 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3))).
    Same shape and dtype as x; equal to F.gelu(x, approximate=...).
    """
    raise NotImplementedError(
        "Task 2: the exact form uses the Gaussian's cumulative distribution function, the other a "
        "tanh curve"
    )


def silu(x: torch.Tensor) -> torch.Tensor:
    """Task 3. SiLU (swish): x * sigmoid(x). Same shape and dtype; equal to F.silu."""
    raise NotImplementedError(
        "Task 3: x times sigmoid(x), computed so that no intermediate overflows"
    )


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Task 4. exp(x) / sum(exp(x)) along `dim`, computed stably: subtracting the max along
    `dim` first changes nothing mathematically and keeps exp from overflowing (logits of 1000).

    Same shape and dtype; equal to torch.softmax(x, dim).
    """
    raise NotImplementedError(
        "Task 4: subtracting each slice's maximum changes nothing mathematically and stops the "
        "overflow"
    )


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Task 5. log(softmax(x)) along `dim`, computed stably as x - logsumexp(x), where
    logsumexp(x) = m + log(sum(exp(x - m))) with m the max along `dim`. Never -inf for finite
    inputs, even where softmax underflows to 0.

    Same shape and dtype; equal to torch.log_softmax(x, dim).
    """
    raise NotImplementedError("Task 5: the same shift, then subtract the log of the sum")
