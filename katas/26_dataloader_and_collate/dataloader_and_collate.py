"""Kata 26: DataLoader and collate.

Fill in every function below; `katas/26_dataloader_and_collate/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/26_dataloader_and_collate
"""

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler, get_worker_info


def pad_collate(
    batch: list[tuple[torch.Tensor, torch.Tensor]],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Task 1. Gather B samples of different lengths into one padded batch.

    batch: B pairs (sequence, label); sequence i is (L_i,) or (L_i, F), label a 0-d tensor.
    Returns
      padded:  (B, L_max) or (B, L_max, F), the sequences' dtype, zeros after each sequence's
               end; L_max is the longest sequence of THIS batch
      lengths: (B,) int64, the true length L_i of each sequence
      labels:  (B,) the labels, stacked
    """
    raise NotImplementedError(
        "Task 1: split the pairs, remember each true length, pad to this batch's longest"
    )


def sequence_loader(dataset: Dataset, batch_size: int, seed: int) -> DataLoader:
    """Task 2. A DataLoader over `dataset` that shuffles, batches with pad_collate, and draws its
    order from a torch.Generator seeded with `seed`: the same seed gives the same batches."""
    raise NotImplementedError(
        "Task 2: a shuffling loader whose order comes from a seeded generator of its own"
    )


def balanced_sampler(labels: torch.Tensor, num_samples: int, seed: int) -> WeightedRandomSampler:
    """Task 3. A WeightedRandomSampler that draws `num_samples` dataset indices (with
    replacement, from a torch.Generator seeded with `seed`) so that every class is drawn
    equally often on average, however imbalanced `labels` (N,) int64 is."""
    raise NotImplementedError("Task 3: one weight PER SAMPLE: rarer classes weigh more")


def seed_worker(worker_id: int) -> None:
    """Task 4. The worker_init_fn: in a DataLoader worker process, reseed that worker's copy of
    the dataset's own generator (`dataset.generator`, a torch.Generator) from the worker's seed,
    so that workers draw different random numbers, and the same ones for the same loader seed."""
    raise NotImplementedError(
        "Task 4: each worker has its own copy of the dataset and its own seed"
    )


def augmented_loader(
    dataset: Dataset, batch_size: int, seed: int, num_workers: int = 2
) -> DataLoader:
    """Task 4. A shuffling DataLoader with `num_workers` worker processes, seed_worker as its
    worker_init_fn and a torch.Generator seeded with `seed`: the same seed gives the same batches
    (order and augmentations), whatever the workers."""
    raise NotImplementedError(
        "Task 4: the loader's generator seeds the order and the workers; the init function does the "
        "rest"
    )
