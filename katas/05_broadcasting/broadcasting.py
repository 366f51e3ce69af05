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
    raise NotImplementedError("Task 2: turn a into a column and b into a row")


def pairwise_distances(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Task 2. Euclidean distances between every row of x and every row of y, no loops:
    out[i, j] = ||x[i] - y[j]||. A point's distance to itself is 0, never NaN.

    x: (M, D); y: (N, D). Returns (M, N).
    """
    raise NotImplementedError("Task 2: broadcast the differences to (M, N, D), then reduce over D")


def normalize_rows(x: torch.Tensor) -> torch.Tensor:
    """Task 3. Divide each row by its sum, so every row sums to 1 (x is positive).

    x: (N, D). Returns (N, D).
    """
    raise NotImplementedError("Task 3: the row sums must stay a column, (N, 1), to divide the rows")


def standardize_columns(x: torch.Tensor) -> torch.Tensor:
    """Task 3. Give every column (feature) mean 0 and standard deviation 1, using the population
    standard deviation (divide by N): out = (x - column mean) / column std.

    x: (N, D) with N > 1 and no constant column. Returns (N, D).
    """
    raise NotImplementedError("Task 3: the statistics of a column reduce over the rows, dim 0")


def normalize_channels(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Task 4. Normalise each colour channel: out[n, c] = (images[n, c] - mean[c]) / std[c].

    images: (N, C, H, W); mean, std: (C,). Returns (N, C, H, W).
    """
    raise NotImplementedError(
        "Task 4: (C,) lines up with W, the last dimension; shape it (C, 1, 1) first"
    )
