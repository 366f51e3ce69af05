"""Kata 04: shapes and views.

Fill in every function below; `katas/04_shapes_and_views/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/04_shapes_and_views
"""

import torch


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Task 1. Split the channels of x into `num_heads` heads of C // num_heads channels each and
    move the head dimension before time, as a VIEW of x (no copy):
    out[b, h, t, i] == x[b, t, h * head_size + i].

    x: (B, T, C), C divisible by num_heads. Returns (B, num_heads, T, C // num_heads).
    """
    raise NotImplementedError(
        "Task 1: the channels are heads times head size; then bring the heads before time"
    )


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Task 1. The inverse of split_heads: out[b, t, h * head_size + i] == x[b, h, t, i].
    x may be non-contiguous (it usually comes from a transpose).

    x: (B, nh, T, hs). Returns (B, T, nh * hs).
    """
    raise NotImplementedError(
        "Task 1: undo the swap first; the result is not row-major, so only some reshapes are free"
    )


def to_nhwc(images: torch.Tensor) -> torch.Tensor:
    """Task 2. Reorder the dimensions of a batch of images from (N, C, H, W) to (N, H, W, C), as a
    view: out[n, y, x, c] == images[n, c, y, x].
    """
    raise NotImplementedError(
        "Task 2: moving a dimension is a reordering, not a reshape, which keeps the memory order"
    )


def flatten_features(x: torch.Tensor) -> torch.Tensor:
    """Task 3. Flatten every dimension but the first: (N, d1, d2, ...) -> (N, d1 * d2 * ...), in
    row-major order. x may be non-contiguous; N may be 1.
    """
    raise NotImplementedError(
        "Task 3: keep the first dimension, join all the others; the input may not be contiguous"
    )


def to_vector(column: torch.Tensor) -> torch.Tensor:
    """Task 3. A column of N values, (N, 1), as a vector (N,), also when N == 1."""
    raise NotImplementedError("Task 3: remove only the dimension you mean")


def broadcast_rows(row: torch.Tensor, n: int) -> torch.Tensor:
    """Task 4. `n` copies of `row` stacked, (D,) -> (n, D), WITHOUT new memory: a read-only view
    of row, as broadcasting would use."""
    raise NotImplementedError("Task 4: a view can repeat a row without copying it (a stride of 0)")


def repeat_rows(row: torch.Tensor, n: int) -> torch.Tensor:
    """Task 4. `n` copies of `row` stacked, (D,) -> (n, D), in new memory: each row can be
    written without changing the others or `row`."""
    raise NotImplementedError("Task 4: this time every row needs its own memory")


def shares_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Task 5. True when a and b are views of the same memory (one is a view of the other, or both
    are views of one tensor), so that writing to one can change the other; False otherwise."""
    raise NotImplementedError(
        "Task 5: views share a storage even when they start at different offsets"
    )
