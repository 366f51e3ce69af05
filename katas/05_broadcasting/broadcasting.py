"""Kata 05: broadcasting.

Fill in every function below; `katas/05_broadcasting/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/05_broadcasting
"""

import torch


def broadcast_shape(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> tuple[int, ...]:
    """Task 1. The shape of `a + b` for tensors of these shapes, by the broadcasting rules, worked
    out by hand. Raises ValueError when the shapes cannot broadcast.

    broadcast_shape((8, 1, 6), (7, 1)) -> (8, 7, 6)
    """
    raise NotImplementedError(
        "Task 1: line the shapes up from the right; a missing dimension counts as 1"
    )


def outer_sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Task 2. Every sum of an element of a and one of b: out[i, j] = a[i] + b[j], no loops.

    a: (M,); b: (N,). Returns (M, N).
    """
    raise NotImplementedError(
        "Task 2: make one input vary down the rows and the other across the columns"
    )


def pairwise_distances(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Task 2. Euclidean distances between every row of x and every row of y, no loops:
    out[i, j] = ||x[i] - y[j]||. A point's distance to itself is 0, never NaN.

    x: (M, D); y: (N, D). Returns (M, N).
    """
    raise NotImplementedError(
        "Task 2: every pair of points at once: differences in a third dimension, then reduce it"
    )


def normalize_rows(x: torch.Tensor) -> torch.Tensor:
    """Task 3. Divide each row by its sum, so every row sums to 1 (x is positive).

    x: (N, D). Returns (N, D).
    """
    raise NotImplementedError("Task 3: each row's sum must line up with that row's elements")


def standardize_columns(x: torch.Tensor) -> torch.Tensor:
    """Task 3. Give every column (feature) mean 0 and standard deviation 1, using the population
    standard deviation (divide by N): out = (x - column mean) / column std.

    x: (N, D) with N > 1 and no constant column. Returns (N, D).
    """
    raise NotImplementedError("Task 3: the statistics of a column are taken down the rows")


def normalize_channels(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Task 4. Normalise each colour channel: out[n, c] = (images[n, c] - mean[c]) / std[c].

    images: (N, C, H, W); mean, std: (C,). Returns (N, C, H, W).
    """
    raise NotImplementedError(
        "Task 4: the statistics must line up with the channel dimension, not the last one"
    )
