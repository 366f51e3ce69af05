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
    # BEGIN SOLUTION: Task 1: negative values become 0, the rest pass through
    return x.clamp(min=0)
    # END SOLUTION


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """Task 2. GELU(x) = x * Phi(x), Phi the standard normal CDF.

    approximate="none": Phi(x) = (1 + erf(x / sqrt(2))) / 2, exactly.
    approximate="tanh": 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3))).
    Same shape and dtype as x; equal to F.gelu(x, approximate=...).
    """
    # BEGIN SOLUTION: Task 2: the exact form uses the Gaussian's cumulative distribution function, the other a tanh curve
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + torch.tanh(inner))
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    # END SOLUTION


def silu(x: torch.Tensor) -> torch.Tensor:
    """Task 3. SiLU (swish): x * sigmoid(x). Same shape and dtype; equal to F.silu."""
    # BEGIN SOLUTION: Task 3: x times sigmoid(x), computed so that no intermediate overflows
    return x * torch.sigmoid(x)
    # END SOLUTION


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Task 4. exp(x) / sum(exp(x)) along `dim`, computed stably: subtracting the max along
    `dim` first changes nothing mathematically and keeps exp from overflowing (logits of 1000).

    Same shape and dtype; equal to torch.softmax(x, dim).
    """
    # BEGIN SOLUTION: Task 4: subtracting each slice's maximum changes nothing mathematically and stops the overflow
    shifted = x - x.amax(dim=dim, keepdim=True)  # the largest entry becomes 0: exp <= 1
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
    # END SOLUTION


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Task 5. log(softmax(x)) along `dim`, computed stably as x - logsumexp(x), where
    logsumexp(x) = m + log(sum(exp(x - m))) with m the max along `dim`. Never -inf for finite
    inputs, even where softmax underflows to 0.

    Same shape and dtype; equal to torch.log_softmax(x, dim).
    """
    # BEGIN SOLUTION: Task 5: the same shift, then subtract the log of the sum
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    # END SOLUTION
