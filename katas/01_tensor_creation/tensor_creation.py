"""Kata 01: tensor creation.

Fill in every function below; `katas/01_tensor_creation/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/01_tensor_creation
"""

import numpy as np
import torch


def filled(
    shape: tuple[int, ...], value: float, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Task 1. A tensor of `shape` whose every element is `value`, of the given dtype.

    filled((2, 3), 7.0) -> tensor([[7., 7., 7.], [7., 7., 7.]])
    """
    raise NotImplementedError(
        "Task 1: one factory makes a tensor of any shape holding a single value; say which dtype "
        "you want"
    )


def count_up(start: int, stop: int, step: int = 1) -> torch.Tensor:
    """Task 2. The integers start, start + step, ... up to but not including `stop` (int64).

    count_up(2, 10, 3) -> tensor([2, 5, 8])
    """
    raise NotImplementedError("Task 2: the tensor version of Python's range")


def evenly_spaced(start: float, stop: float, count: int) -> torch.Tensor:
    """Task 2. `count` float32 numbers from `start` to `stop`, both ends included.

    evenly_spaced(0, 1, 5) -> tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    raise NotImplementedError("Task 2: a fixed number of points, both ends included")


def identity(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Task 3. The (n, n) identity matrix of the given dtype."""
    raise NotImplementedError("Task 3: ones on the diagonal, zeros elsewhere")


def zeros_like(reference: torch.Tensor) -> torch.Tensor:
    """Task 3. Zeros with the shape, dtype and device of `reference`."""
    raise NotImplementedError("Task 3: shape, dtype and device all come from the reference")


def copy_from_numpy(array: np.ndarray) -> torch.Tensor:
    """Task 4. A tensor with the array's values and dtype that does NOT share its memory:
    changing the array afterwards leaves the tensor alone."""
    raise NotImplementedError("Task 4: a tensor that owns its own copy of the data")


def view_of_numpy(array: np.ndarray) -> torch.Tensor:
    """Task 4. A tensor that shares the array's memory: changing one changes the other."""
    raise NotImplementedError("Task 4: a tensor that reads and writes the array's own memory")


def zeros_on(shape: tuple[int, ...], device: torch.device | str) -> torch.Tensor:
    """Task 5. float32 zeros of `shape`, created directly on `device` ("cpu", "cuda", "mps"...)."""
    raise NotImplementedError(
        "Task 5: make the tensor where it will live, rather than making it and moving it"
    )
