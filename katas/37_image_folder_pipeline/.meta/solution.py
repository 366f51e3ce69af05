"""Kata 37: an image folder pipeline.

Fill in every function below; `katas/37_image_folder_pipeline/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/37_image_folder_pipeline

The data set is a folder with one sub-folder per class:
    root/cat/001.png, root/cat/002.png, ..., root/dog/001.png, ...
"""

from collections.abc import Callable
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets
from torchvision.transforms import v2


def find_classes(root: str | Path) -> tuple[list[str], dict[str, int]]:
    """Task 1. The class names (the sub-folders of `root`, sorted) and the index of each, as
    ImageFolder gives them: (["cat", "dog"], {"cat": 0, "dog": 1}). Files in `root` are not classes.
    """
    # BEGIN SOLUTION: Task 1: the class names are the sub-folders of root, in a fixed order
    classes = sorted(entry.name for entry in Path(root).iterdir() if entry.is_dir())
    return classes, {name: index for index, name in enumerate(classes)}
    # END SOLUTION


def make_transform(size: int, mean: list[float], std: list[float]) -> Callable:
    """Task 2. A transforms.v2 pipeline for evaluation: PIL image (any size, RGB) ->
    float32 tensor (3, size, size), values scaled to [0, 1] then normalised with mean and std."""
    # BEGIN SOLUTION: Task 2: PIL image to tensor, resize, to float in [0, 1], normalise: in that order
    return v2.Compose(
        [
            v2.ToImage(),  # PIL (H, W, 3) uint8 -> tensor (3, H, W) uint8
            v2.Resize((size, size), antialias=True),
            v2.ToDtype(torch.float32, scale=True),  # uint8 0..255 -> float 0..1
            v2.Normalize(mean=mean, std=std),
        ]
    )
    # END SOLUTION


def make_train_transform(size: int, mean: list[float], std: list[float]) -> Callable:
    """Task 3. The same pipeline with a random horizontal flip (p = 0.5) for training."""
    # BEGIN SOLUTION: Task 3: the same pipeline with a random left-right flip
    return v2.Compose(
        [
            v2.ToImage(),
            v2.Resize((size, size), antialias=True),
            v2.RandomHorizontalFlip(p=0.5),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=mean, std=std),
        ]
    )
    # END SOLUTION


def load_image_folder(root: str | Path, transform: Callable) -> Dataset:
    """Task 4. A data set over root/<class>/<image>: item i is (transform(image), class index)."""
    # BEGIN SOLUTION: Task 4: torchvision already reads a folder of class folders this way
    return datasets.ImageFolder(root, transform=transform)
    # END SOLUTION


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int = 0) -> DataLoader:
    """Task 5. A DataLoader of (images (B, 3, H, W) float32, labels (B,) int64) batches; the
    last batch may be smaller. With shuffle=True the order depends on `seed` only: the same
    seed gives the same batches, every time."""
    # BEGIN SOLUTION: Task 5: a loader whose shuffling draws from a random stream of its own
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
    # END SOLUTION


def channel_mean_std(loader: DataLoader) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 6. The mean and standard deviation of each channel over every pixel of every image
    the loader gives: two float32 tensors (C,). Batches may differ in size."""
    # BEGIN SOLUTION: Task 6: every pixel weighs the same: accumulate totals, divide once at the end
    total = total_sq = 0
    count = 0
    for images, _ in loader:
        pixels = images.transpose(0, 1).flatten(1).double()  # (B, C, H, W) -> (C, B*H*W)
        total = total + pixels.sum(dim=1)
        total_sq = total_sq + (pixels**2).sum(dim=1)
        count += pixels.shape[1]
    mean = total / count
    # Population std (every pixel counts once), as torch.std(correction=0) over all pixels.
    std = (total_sq / count - mean**2).clamp(min=0).sqrt()
    return mean.float(), std.float()
    # END SOLUTION
