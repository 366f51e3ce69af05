"""Kata 59: data parallelism by hand.

Fill in every function below; `katas/59_data_parallel_by_hand/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/59_data_parallel_by_hand
"""

import copy

import torch
from torch import nn


def split_batch(
    inputs: torch.Tensor, targets: torch.Tensor, num_replicas: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Task 1. Cut a batch into `num_replicas` contiguous shards, one per replica.

    inputs: (N, ...), targets: (N, ...), with N >= num_replicas.
    Returns a list of exactly `num_replicas` pairs (inputs shard, targets shard), in order, that
    together hold every sample once; shard sizes differ by at most one (10 over 4 gives
    3, 3, 2, 2). The shards are views of the batch (no copy).
    """
    raise NotImplementedError("Task 1: num_replicas nearly equal, contiguous pieces of dimension 0")


def make_replicas(model: nn.Module, num_replicas: int) -> list[nn.Module]:
    """Task 2. `num_replicas` independent copies of `model`: equal parameters, their own
    storage (updating one replica changes neither the others nor `model`)."""
    raise NotImplementedError("Task 2: each replica owns a full copy of the weights")


def shard_gradients(
    replica: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Task 3. What one replica computes on its shard: the mean loss on the shard and its
    gradient with respect to each of the replica's parameters.

    Returns (loss, grads): loss a 0-d tensor, grads a list of tensors shaped like
    `replica.parameters()`, in that order. Calling it twice on the same shard returns the same
    gradients (nothing accumulates from one call to the next).
    """
    raise NotImplementedError("Task 3: a fresh gradient of this shard's loss, nothing left over")


def average_gradients(
    grads_per_replica: list[list[torch.Tensor]], shard_sizes: list[int]
) -> list[torch.Tensor]:
    """Task 4. Combine the replicas' gradients into the gradient of the mean loss over the
    whole batch.

    grads_per_replica[r][i]: replica r's gradient of its shard's mean loss for parameter i.
    shard_sizes[r]: how many samples replica r saw (the shards may differ in size).
    Returns one tensor per parameter: the full-batch gradient, for shards of any sizes.
    """
    raise NotImplementedError(
        "Task 4: each shard's mean counts in proportion to the samples behind it"
    )


def data_parallel_step(
    replicas: list[nn.Module],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn,
    lr: float,
) -> float:
    """Task 5. One step of synchronous data-parallel SGD.

    Split the batch over the replicas, let each compute its shard's gradients, average them
    (Task 4) and apply the same update p <- p - lr * g to every replica, so they stay identical.
    Equal to one SGD step of a single model on the whole batch. Returns the whole batch's
    mean loss before the step, as a float.
    """
    raise NotImplementedError(
        "Task 5: split, compute per replica, combine, update every replica alike"
    )
