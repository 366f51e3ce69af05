"""Kata 25: a custom dataset.

Fill in every method below; `katas/25_custom_dataset/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/25_custom_dataset
"""

from collections.abc import Callable
from pathlib import Path

import torch
from torch.utils.data import Dataset

Transform = Callable[[torch.Tensor], torch.Tensor]


class TensorPairDataset(Dataset):
    """Tasks 1 and 2. A map-style dataset over in-memory tensors.

    features: (N, ...) any dtype; labels: (N,) int64. Item i is the pair
    (transform(features[i]), target_transform(labels[i])); a transform that is None is skipped.
    Transforms run on ONE sample, every time an item is read (so random augmentations differ
    from one read to the next); the stored tensors are never changed.
    """

    def __init__(
        self,
        features: torch.Tensor,
        labels: torch.Tensor,
        transform: Transform | None = None,
        target_transform: Transform | None = None,
    ) -> None:
        raise NotImplementedError(
            "Task 1: check the lengths agree, then keep the tensors and transforms"
        )

    def __len__(self) -> int:
        """Task 1. The number of samples, N."""
        raise NotImplementedError("Task 1: how many samples are there?")

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Tasks 1 and 2. The pair for sample `index`, transforms applied to this sample only."""
        raise NotImplementedError(
            "Task 2: pick the one sample first, then transform it (and its label)"
        )


def save_samples(features: torch.Tensor, labels: torch.Tensor, folder: Path) -> list[Path]:
    """Task 3. Write sample i to `folder / f"{i:05d}.pt"` with
    torch.save({"features": features[i], "label": labels[i]}, path), each holding only its own
    sample's data. Creates `folder` if needed; returns the paths written, in order.
    """
    raise NotImplementedError("Task 3: one file per sample, holding only that sample")


class FolderDataset(Dataset):
    """Task 4. A map-style dataset over a folder of "*.pt" files written as in Task 3.

    The file list (every "*.pt" file, sorted by name) is made once, at construction; a file is
    read only when its item is asked for, so the folder may be larger than memory. Item i is
    (transform(features), label) of the i-th file, the transform skipped when None.
    """

    def __init__(self, folder: Path, transform: Transform | None = None) -> None:
        raise NotImplementedError("Task 4: find and order the files now; read them later")

    def __len__(self) -> int:
        """Task 4. The number of "*.pt" files."""
        raise NotImplementedError("Task 4: one sample per file")

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 4. Load file `index` now (torch.load with weights_only=True) and return its pair."""
        raise NotImplementedError("Task 4: read the file safely at this moment, then transform")
