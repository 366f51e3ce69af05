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
        # BEGIN SOLUTION: Task 1: check the lengths agree, then keep the tensors and transforms
        if len(features) != len(labels):
            raise ValueError(f"{len(features)} feature rows but {len(labels)} labels")
        self.features = features
        self.labels = labels
        self.transform = transform
        self.target_transform = target_transform
        # END SOLUTION

    def __len__(self) -> int:
        """Task 1. The number of samples, N."""
        # BEGIN SOLUTION: Task 1: how many samples are there?
        return len(self.features)
        # END SOLUTION

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Tasks 1 and 2. The pair for sample `index`, transforms applied to this sample only."""
        # BEGIN SOLUTION: Task 2: pick the one sample first, then transform it (and its label)
        x, y = self.features[index], self.labels[index]  # (...), ()
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            y = self.target_transform(y)
        return x, y
        # END SOLUTION


def save_samples(features: torch.Tensor, labels: torch.Tensor, folder: Path) -> list[Path]:
    """Task 3. Write sample i to `folder / f"{i:05d}.pt"` with
    torch.save({"features": features[i], "label": labels[i]}, path), each holding only its own
    sample's data. Creates `folder` if needed; returns the paths written, in order.
    """
    # BEGIN SOLUTION: Task 3: one file per sample, holding only that sample
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(len(features)):
        path = folder / f"{i:05d}.pt"
        # features[i] is a view into all N rows: torch.save would write every row with it.
        torch.save({"features": features[i].clone(), "label": labels[i].clone()}, path)
        paths.append(path)
    return paths
    # END SOLUTION


class FolderDataset(Dataset):
    """Task 4. A map-style dataset over a folder of "*.pt" files written as in Task 3.

    The file list (every "*.pt" file, sorted by name) is made once, at construction; a file is
    read only when its item is asked for, so the folder may be larger than memory. Item i is
    (transform(features), label) of the i-th file, the transform skipped when None.
    """

    def __init__(self, folder: Path, transform: Transform | None = None) -> None:
        # BEGIN SOLUTION: Task 4: find and order the files now; read them later
        self.paths = sorted(Path(folder).glob("*.pt"))
        self.transform = transform
        # END SOLUTION

    def __len__(self) -> int:
        """Task 4. The number of "*.pt" files."""
        # BEGIN SOLUTION: Task 4: one sample per file
        return len(self.paths)
        # END SOLUTION

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 4. Load file `index` now (torch.load with weights_only=True) and return its pair."""
        # BEGIN SOLUTION: Task 4: read the file safely at this moment, then transform
        sample = torch.load(self.paths[index], weights_only=True)
        x = sample["features"]
        if self.transform is not None:
            x = self.transform(x)
        return x, sample["label"]
        # END SOLUTION
