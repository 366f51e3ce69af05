"""Kata 09: gradient basics.

Fill in every function below; `katas/09_gradient_basics/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/09_gradient_basics
"""

from collections.abc import Callable

import torch

Function = Callable[[torch.Tensor], torch.Tensor]


def derivative_at(fn: Function, x: float) -> float:
    """Task 1. The derivative of the scalar function `fn` at the number `x` (an int or a float),
    by autograd, as a Python float. Compute in float64.

    derivative_at(lambda t: t**2, 3.0) -> 6.0
    """
    # BEGIN SOLUTION: Task 1: make the number a float64 tensor that records, run fn, go backward, read the gradient
    # only floating-point tensors can require grad, so an int x must become float64
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn(point).backward()
    return point.grad.item()
    # END SOLUTION


def gradient_of(fn: Function, x: torch.Tensor) -> torch.Tensor:
    """Task 2. The gradient of the scalar fn(x) with respect to every element of x: a tensor of
    x's shape and dtype that does not require grad. The caller's `x` is left as it was: it does not
    start requiring grad and gets no .grad."""
    # BEGIN SOLUTION: Task 2: differentiate with respect to a copy, so the caller's x is left alone
    # a fresh leaf of our own: the caller's tensor keeps requires_grad=False and no .grad
    leaf = x.detach().clone().requires_grad_(True)
    fn(leaf).backward()
    return leaf.grad
    # END SOLUTION


def vector_jacobian_product(fn: Function, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Task 3. vᵀJ, where J is the Jacobian of y = fn(x): the gradient of (v * y).sum() with
    respect to x. y may have any shape (not only a scalar); v has y's shape; the result has x's.
    The caller's `x` is left as it was."""
    # BEGIN SOLUTION: Task 3: a non-scalar output needs to be told how to weigh its elements
    leaf = x.detach().clone().requires_grad_(True)
    outputs = fn(leaf)
    # for a non-scalar output, backward needs the weight of each output element: v
    outputs.backward(gradient=v)
    return leaf.grad
    # END SOLUTION


def leaf_and_intermediate_gradients(
    inner: Function, outer: Function, x: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 4. With hidden = inner(x) and the scalar loss = outer(hidden), return
    (d loss / d x, d loss / d hidden): the gradients for the leaf x (shape of x) and for the
    intermediate hidden (shape of hidden). The caller's `x` is left as it was."""
    # BEGIN SOLUTION: Task 4: autograd keeps .grad for leaves only, unless you ask for more
    leaf = x.detach().clone().requires_grad_(True)
    hidden = inner(leaf)
    # hidden is not a leaf: without retain_grad its .grad stays None after backward
    hidden.retain_grad()
    outer(hidden).backward()
    return leaf.grad, hidden.grad
    # END SOLUTION
