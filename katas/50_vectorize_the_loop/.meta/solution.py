"""Kata 50: vectorize the loop.

Fill in every function below; `katas/50_vectorize_the_loop/README.md` explains each task.
Each docstring shows the Python loop to replace: write the same result with a few tensor
operations and no Python loop over rows, classes or positions.
Run the tests with: .venv/bin/python -m pytest katas/50_vectorize_the_loop
"""

import torch


def pairwise_distances(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Task 1. Euclidean distance between every row of x and every row of y.

    x: (N, D), y: (M, D) float. Returns (N, M): out[i, j] = ||x[i] - y[j]||, never nan (a point's
    distance to itself is 0). The loop it replaces:

        for i in range(N):
            for j in range(M):
                out[i, j] = (x[i] - y[j]).norm()
    """
    # BEGIN SOLUTION: Task 1: line the rows up on two different axes so every pair meets once
    differences = x[:, None, :] - y[None, :, :]  # (N, 1, D) - (1, M, D) -> (N, M, D)
    return differences.norm(dim=-1)  # (N, M, D) -> (N, M)
    # END SOLUTION


def class_sums(values: torch.Tensor, labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Task 2. The sum of the rows of `values` that share each label.

    values: (N, D) float; labels: (N,) int64 in [0, num_classes), repeats expected.
    Returns (num_classes, D) of values' dtype; a class with no rows sums to zeros. The loop:

        for n in range(N):
            out[labels[n]] += values[n]
    """
    # BEGIN SOLUTION: Task 2: accumulate every row into its class's row, repeats included
    sums = values.new_zeros(num_classes, values.shape[1])  # (C, D)
    return sums.index_add(0, labels, values)  # (N, D) rows added into (C, D)
    # END SOLUTION


def masked_mean(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Task 3. The mean of each sequence over its real steps, ignoring the padding after them.

    x: (B, T, D) float, padded sequences; lengths: (B,) int64 in [1, T].
    Returns (B, D): out[b] = x[b, :lengths[b]].mean(dim=0). The loop:

        for b in range(B):
            out[b] = x[b, : lengths[b]].mean(dim=0)
    """
    # BEGIN SOLUTION: Task 3: a (B, T) mask of real steps turns the ragged mean into sums
    steps = torch.arange(x.shape[1], device=x.device)  # (T,)
    mask = steps[None, :] < lengths[:, None]  # (1, T) < (B, 1) -> (B, T)
    totals = (x * mask[:, :, None]).sum(dim=1)  # (B, T, D) -> (B, D)
    return totals / lengths[:, None].to(x.dtype)  # (B, D) / (B, 1)
    # END SOLUTION


def moving_average(x: torch.Tensor, window: int) -> torch.Tensor:
    """Task 4. The mean of every `window` consecutive values along the last dimension.

    x: (..., L) float, window in [1, L]. Returns (..., L - window + 1):
    out[..., i] = x[..., i : i + window].mean(-1). The loop:

        for i in range(L - window + 1):
            out[..., i] = x[..., i : i + window].mean(dim=-1)
    """
    # BEGIN SOLUTION: Task 4: view the windows side by side, then average each one
    windows = x.unfold(-1, window, 1)  # (..., L) -> (..., L - window + 1, window), a view
    return windows.mean(dim=-1)
    # END SOLUTION
