"""Kata 13: custom autograd functions.

Fill in every function below; `katas/13_custom_autograd_function/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/13_custom_autograd_function
"""

import torch
from torch.autograd import Function


class Cube(Function):
    """Task 1. y = x ** 3, elementwise, with a hand-written backward: dy/dx = 3 x ** 2.

    Cube.apply(x): x any shape and float dtype -> same shape and dtype.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 1: keep what backward will need, then compute the cube
        ctx.save_for_backward(x)
        return x**3
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 1: chain rule: the upstream gradient times the local derivative
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2
        # END SOLUTION


class Hypot(Function):
    """Task 2. r = sqrt(x ** 2 + y ** 2), elementwise, for two inputs of the same shape.

    Hypot.apply(x, y) -> r, same shape and dtype. backward returns one gradient per input of
    forward, in order: (dr/dx * grad, dr/dy * grad) = (x / r * grad, y / r * grad).
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 2: compute r; keep what backward will need (r is handy too)
        r = torch.sqrt(x**2 + y**2)
        ctx.save_for_backward(x, y, r)
        return r
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # BEGIN SOLUTION: Task 2: one gradient per input of forward
        x, y, r = ctx.saved_tensors
        return grad_output * x / r, grad_output * y / r
        # END SOLUTION


class RoundSTE(Function):
    """Task 3. Rounds to the nearest integer in forward (torch.round: halves go to even), but
    backward pretends forward was the identity: the gradient passes straight through.

    RoundSTE.apply(x) -> same shape and dtype.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 3: round; nothing needs keeping
        return torch.round(x)
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 3: pretend the rounding was the identity
        return grad_output
        # END SOLUTION


class FakeQuantize(Function):
    """Task 4. Fake quantization with a straight-through gradient inside the range.

    FakeQuantize.apply(x, scale, qmin, qmax) with x a float tensor, scale a positive float and
    qmin <= qmax ints:
        forward:  clamp(round(x / scale), qmin, qmax) * scale
        backward: the gradient for x passes where qmin <= round(x / scale) <= qmax (where the
                  clamp changed nothing) and is 0 elsewhere; scale, qmin, qmax get None.
    Equal to torch.fake_quantize_per_tensor_affine(x, scale, 0, qmin, qmax), gradient included.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float, qmin: int, qmax: int) -> torch.Tensor:
        # BEGIN SOLUTION: Task 4: round x / scale, remember where it lies in range, clamp, rescale
        levels = torch.round(x / scale)
        inside = (levels >= qmin) & (levels <= qmax)
        ctx.save_for_backward(inside)
        return levels.clamp(qmin, qmax) * scale
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        # BEGIN SOLUTION: Task 4: no gradient where the value was clamped; one value per forward input
        (inside,) = ctx.saved_tensors
        # Straight through where the clamp did nothing, zero where it saturated.
        return grad_output * inside, None, None, None
        # END SOLUTION
