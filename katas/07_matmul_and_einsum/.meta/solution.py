"""Kata 07: matmul and einsum.

Fill in every function below; `katas/07_matmul_and_einsum/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/07_matmul_and_einsum
"""

import math

import torch


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Task 1. The affine map of a linear layer: x @ weight.T + bias, over any leading dims.

    x: (..., in_features), weight: (out_features, in_features), bias: (out_features,)
    returns (..., out_features), the dtype of x.
    """
    # BEGIN SOLUTION: Task 1: weight is stored (out, in); which operand needs its last two dims swapped?
    # (..., in) @ (in, out) -> (..., out); bias broadcasts over the leading dims
    return x @ weight.mT + bias
    # END SOLUTION


def gram_matrices(x: torch.Tensor) -> torch.Tensor:
    """Task 2. For each batch element, the dot product of every row with every row.

    x: (B, n, d) -> (B, n, n), where result[b, i, j] = x[b, i] . x[b, j].
    """
    # BEGIN SOLUTION: Task 2: every row against every row is one matrix product per batch element
    # (B, n, d) @ (B, d, n) -> (B, n, n)
    return torch.bmm(x, x.transpose(1, 2))
    # END SOLUTION


def batched_trace(matrices: torch.Tensor) -> torch.Tensor:
    """Task 3. The trace (sum of the diagonal) of each square matrix: (B, n, n) -> (B,)."""
    # BEGIN SOLUTION: Task 3: in einsum, repeating an index on one operand walks the diagonal
    return torch.einsum("bii->b", matrices)
    # END SOLUTION


def batched_diagonal(matrices: torch.Tensor) -> torch.Tensor:
    """Task 3. The diagonal of each square matrix: (B, n, n) -> (B, n)."""
    # BEGIN SOLUTION: Task 3: like the trace, but keep the diagonal index in the output
    return torch.einsum("bii->bi", matrices)
    # END SOLUTION


def batched_outer(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Task 4. The outer product of each pair of vectors: (B, n), (B, m) -> (B, n, m),
    where result[b, i, j] = u[b, i] * v[b, j]."""
    # BEGIN SOLUTION: Task 4: no index is summed; every index appears in the output
    return torch.einsum("bi,bj->bij", u, v)
    # END SOLUTION


def bilinear_form(x: torch.Tensor, matrix: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Task 5. x[b]^T @ matrix @ y[b] for each b: one number per batch element.

    x: (B, n), matrix: (n, m), y: (B, m) -> (B,)
    """
    # BEGIN SOLUTION: Task 5: name the rows of matrix after x's index and its columns after y's
    return torch.einsum("bi,ij,bj->b", x, matrix, y)
    # END SOLUTION


def attention_scores(queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Task 6. Scaled dot-product scores of every query with every key, per batch and head.

    queries: (B, H, Tq, D), keys: (B, H, Tk, D) -> (B, H, Tq, Tk), where
    result[b, h, i, j] = queries[b, h, i] . keys[b, h, j] / sqrt(D).
    """
    # BEGIN SOLUTION: Task 6: contract the feature index D; the query index comes first in the output
    head_size = queries.shape[-1]
    # (B, H, Tq, D), (B, H, Tk, D) -> (B, H, Tq, Tk)
    return torch.einsum("bhqd,bhkd->bhqk", queries, keys) / math.sqrt(head_size)
    # END SOLUTION
