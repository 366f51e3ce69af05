"""Kata 51: memory and checkpointing.

Fill in every function below; `katas/51_memory_and_checkpointing/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/51_memory_and_checkpointing
"""

from collections.abc import Callable, Sequence

import torch
from torch import nn

# BEGIN SOLUTION
from torch.utils.checkpoint import checkpoint

# END SOLUTION


def saved_tensor_bytes(fn: Callable, *inputs) -> tuple[object, int]:
    """Task 1. Run fn(*inputs) and measure what autograd saves for the backward pass.

    Returns (output, nbytes): fn's output, still differentiable (backward through it gives the
    usual gradients), and the sum of numel() * element_size() over every tensor autograd saves
    during the call. A tensor saved twice counts twice; a saved view counts its own elements,
    not its base's storage.
    """
    # BEGIN SOLUTION: Task 1: intercept every tensor autograd saves, count it, keep it usable
    nbytes = 0

    def pack(tensor):
        nonlocal nbytes
        nbytes += tensor.numel() * tensor.element_size()
        return tensor  # what unpack gets back during backward

    def unpack(tensor):
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        output = fn(*inputs)
    return output, nbytes
    # END SOLUTION


def residual_relu(x: torch.Tensor, linear: nn.Linear) -> torch.Tensor:
    """Task 2. relu(linear(x)) + x, differentiable with respect to x and linear's parameters.

    x: (N, D); linear maps D to D. Leaves the caller's x unchanged. This version saves memory
    with in-place operations, and its backward fails:

        h = linear(x)
        h.relu_()   # fine: linear's backward does not need its output
        h += x      # breaks: relu_ saved h to compute its gradient, and h changed since
        return h
    """
    # BEGIN SOLUTION: Task 2: keep the in-place step autograd allows, add without overwriting
    hidden = linear(x).relu_()  # in place on a fresh tensor nobody saved: allowed
    return hidden + x  # a new tensor: the relu output autograd saved stays intact
    # END SOLUTION


def checkpoint_blocks(blocks: Sequence[nn.Module], x: torch.Tensor, every: int = 1) -> torch.Tensor:
    """Task 3. Run the blocks one after the other, recomputing activations in the backward pass
    instead of saving them.

    blocks: modules applied in order; x: their input. The blocks are cut into consecutive
    segments of `every` blocks (the last one may be shorter); each segment, the last included,
    is checkpointed, so autograd keeps only each segment's input. Returns the same output, and
    the same gradients for x and every parameter, as running the blocks plainly (dropout
    included: a recomputed segment draws the same random numbers), whether x requires grad or
    not.
    """
    # BEGIN SOLUTION: Task 3: one checkpoint per segment; the non-reentrant kind handles params
    for start in range(0, len(blocks), every):
        segment = nn.Sequential(*blocks[start : start + every])
        x = checkpoint(segment, x, use_reentrant=False)  # keeps x, recomputes the segment
    return x
    # END SOLUTION
