"""Kata 33: image tensors and transforms.

Fill in every function below; `katas/33_image_tensors_and_transforms/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/33_image_tensors_and_transforms
"""

from collections.abc import Sequence

import torch
from torchvision.transforms import v2

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def to_float_chw(image: torch.Tensor) -> torch.Tensor:
    """Task 1. A uint8 image as image files and NumPy hold it, (H, W, C) with values 0..255,
    to the layout models take: float32 (C, H, W) with values in [0, 1]."""
    raise NotImplementedError("Task 1: move the channel axis first, then scale to [0, 1]")


def to_uint8_hwc(image: torch.Tensor) -> torch.Tensor:
    """Task 2. The inverse of Task 1: float (C, H, W) in [0, 1] to uint8 (H, W, C) 0..255,
    rounding to the nearest integer and clamping values outside [0, 1] first."""
    raise NotImplementedError(
        "Task 2: clamp, scale back to 0..255, round to the nearest level, channels last"
    )


def normalize(image: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """Task 3. (image - mean) / std per channel, for a float (C, H, W) or (B, C, H, W) image;
    mean and std hold one value per channel. Equal to v2.Normalize(mean, std)."""
    raise NotImplementedError(
        "Task 3: the statistics must line up with the channel dimension, for one image or a batch"
    )


def denormalize(image: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """Task 3. The inverse of normalize: image * std + mean per channel."""
    raise NotImplementedError("Task 3: undo the steps in reverse order")


def training_pipeline(size: int) -> v2.Compose:
    """Task 4. The augmentation pipeline for training, for a uint8 (C, H, W) image tensor:
    a random resized crop to (size, size) (antialiased), a random horizontal flip, conversion
    to float32 in [0, 1], then normalisation with IMAGENET_MEAN and IMAGENET_STD.
    Returns float32 (3, size, size)."""
    raise NotImplementedError(
        "Task 4: a chain of transforms: random crop and resize, random flip, to float, normalise"
    )


def evaluation_pipeline(size: int) -> v2.Compose:
    """Task 5. The deterministic pipeline for evaluation: resize the shorter side to `size`
    (antialiased), crop the (size, size) centre, convert to float32 in [0, 1], normalise
    with IMAGENET_MEAN and IMAGENET_STD."""
    raise NotImplementedError(
        "Task 5: the same chain without randomness: resize the shorter side, crop the centre"
    )


def augment(pipeline: v2.Compose, image: torch.Tensor, seed: int) -> torch.Tensor:
    """Task 6. Apply `pipeline` to `image` reproducibly: the same seed gives the same
    augmentation every time. torchvision's random transforms draw from torch's global
    generator."""
    raise NotImplementedError("Task 6: random transforms draw from torch's global generator")
