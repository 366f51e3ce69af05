"""Kata 49: device-agnostic code.

Fill in every function below; `katas/49_device_agnostic_code/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/49_device_agnostic_code
"""

from collections.abc import Mapping

import torch
from torch import nn


def pick_device() -> torch.device:
    """Task 1. The device to compute on: the accelerator `torch.accelerator` reports when one is
    available (cuda, mps, xpu, ...), else the CPU.

    Returns a torch.device (not a string). A PyTorch build with GPU support on a machine without
    a GPU still *names* an accelerator: only an available one counts.
    """
    raise NotImplementedError(
        "Task 1: ask torch.accelerator whether an accelerator is usable, and which"
    )


def move_to(batch, device: torch.device | str, non_blocking: bool = False):
    """Task 2. A copy of `batch` with every tensor on `device`, however deeply nested.

    batch: a tensor, or dicts, lists and tuples (named tuples included) nesting tensors and
    anything else (strings, numbers, None, ...).
    Tensors are moved with `non_blocking` passed on; dicts, lists and tuples are rebuilt with the
    same type, keys and order; everything else is returned as is (the same object).
    The caller's `batch` and its containers are left unchanged.
    """
    raise NotImplementedError(
        "Task 2: move a tensor, rebuild a container from its moved items, keep the rest"
    )


def model_device(model: nn.Module) -> torch.device:
    """Task 3. The device a model's parameters and buffers live on.

    A model with neither lives on the CPU. Raises ValueError when they are spread over more
    than one device (say, half moved).
    """
    raise NotImplementedError("Task 3: collect the devices of every parameter and buffer")


def predict(model: nn.Module, batch):
    """Task 4. The model's output for `batch`, computed on the model's device, without building
    a graph.

    batch: what the model's forward takes, as one argument (a tensor, or a nested batch as in
    task 2), on any device. It is moved to the model's device first; the model is not moved.
    Returns the output on the model's device, with requires_grad False.
    """
    raise NotImplementedError("Task 4: bring the batch to the model, not the model to the batch")


def pin_batch(batch):
    """Task 5. A copy of `batch` with every CPU tensor in pinned (page-locked) memory, ready for
    `move_to(..., non_blocking=True)`.

    Nesting as in task 2. Pinning needs an accelerator: without one (torch.accelerator reports
    none available) the batch is returned as is, and nothing is pinned.
    """
    raise NotImplementedError("Task 5: without an accelerator there is nothing to pin for")
