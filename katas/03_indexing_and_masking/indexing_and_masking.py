"""Kata 03: indexing and masking.

Fill in every function below; `katas/03_indexing_and_masking/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/03_indexing_and_masking
"""

import torch


def crop_center(images: torch.Tensor, size: int) -> torch.Tensor:
    """Task 1. The central size x size square of the last two dimensions, as a VIEW of `images`
    (no copy). images: (..., H, W), with size <= H and size <= W. The crop starts at row
    (H - size) // 2 and column (W - size) // 2.

    images (..., H, W) -> (..., size, size)
    """
    raise NotImplementedError("Task 1: slicing the last two dimensions gives a view")


def lookup_rows(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """Task 2. Row ids[...] of `table` for every id, like an embedding lookup.

    table: (V, D); ids: int64 of any shape, values in [0, V) and possibly repeated.
    Returns (*ids.shape, D).
    """
    raise NotImplementedError("Task 2: an integer tensor used as an index picks whole rows")


def select_positive(values: torch.Tensor, is_positive: torch.Tensor) -> torch.Tensor:
    """Task 2. The values whose flag is 1, in their original order.

    values: (N,); is_positive: (N,) int64 of 0s and 1s (as read from a data file).
    Returns (K,) where K is the number of 1s.
    """
    raise NotImplementedError("Task 2: an int tensor of 0s and 1s is an index, not a mask")


def pad_after(tokens: torch.Tensor, lengths: torch.Tensor, pad_value: int) -> torch.Tensor:
    """Task 3. Replace every position at or past each row's length by `pad_value`; returns a new
    tensor and leaves `tokens` unchanged.

    tokens: (B, T); lengths: (B,) int64, each in [0, T]. Row b keeps tokens[b, :lengths[b]].
    """
    raise NotImplementedError(
        "Task 3: compare every position with its row's length, then choose between the tokens and "
        "the pad"
    )


def pick_scores(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Task 4. For each row i, the score of its target class: scores[i, targets[i]].

    scores: (N, C); targets: (N,) int64 in [0, C). Returns (N,).
    """
    raise NotImplementedError("Task 4: pick one column per row, and keep the autograd graph")


def one_hot(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Task 5. float32 one-hot rows: out[i, labels[i]] = 1, zeros elsewhere.

    labels: (N,) int64 in [0, num_classes). Returns (N, num_classes), on labels' device.
    """
    raise NotImplementedError(
        "Task 5: start from zeros on the labels' device, then write one 1 per row"
    )


def segment_sum(values: torch.Tensor, segment_ids: torch.Tensor, num_segments: int) -> torch.Tensor:
    """Task 5. Sum the rows of `values` that share a segment id: out[s] = sum of values[i] over
    every i with segment_ids[i] == s (zeros for a segment with no rows). Ids repeat.

    values: (N, D); segment_ids: (N,) int64 in [0, num_segments). Returns (num_segments, D).
    """
    raise NotImplementedError(
        "Task 5: out[ids] += values keeps one write per repeated id; add them all instead"
    )
