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
    # BEGIN SOLUTION: Task 1: move the channel axis first, then scale to [0, 1]
    # (H, W, C) -> (C, H, W): permute moves axes; reshape would scramble the pixels
    return image.permute(2, 0, 1).to(torch.float32) / 255
    # END SOLUTION


def to_uint8_hwc(image: torch.Tensor) -> torch.Tensor:
    """Task 2. The inverse of Task 1: float (C, H, W) in [0, 1] to uint8 (H, W, C) 0..255,
    rounding to the nearest integer and clamping values outside [0, 1] first."""
    # BEGIN SOLUTION: Task 2: clamp, scale back to 0..255, round to the nearest level, channels last
    scaled = (image.clamp(0, 1) * 255).round().to(torch.uint8)
    return scaled.permute(1, 2, 0)  # (C, H, W) -> (H, W, C)
    # END SOLUTION


def normalize(image: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """Task 3. (image - mean) / std per channel, for a float (C, H, W) or (B, C, H, W) image;
    mean and std hold one value per channel. Equal to v2.Normalize(mean, std)."""
    # BEGIN SOLUTION: Task 3: the statistics must line up with the channel dimension, for one image or a batch
    mean_c11 = torch.tensor(mean, dtype=image.dtype).view(-1, 1, 1)
    std_c11 = torch.tensor(std, dtype=image.dtype).view(-1, 1, 1)
    return (image - mean_c11) / std_c11
    # END SOLUTION


def denormalize(image: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """Task 3. The inverse of normalize: image * std + mean per channel."""
    # BEGIN SOLUTION: Task 3: undo the steps in reverse order
    mean_c11 = torch.tensor(mean, dtype=image.dtype).view(-1, 1, 1)
    std_c11 = torch.tensor(std, dtype=image.dtype).view(-1, 1, 1)
    return image * std_c11 + mean_c11
    # END SOLUTION


def training_pipeline(size: int) -> v2.Compose:
    """Task 4. The augmentation pipeline for training, for a uint8 (C, H, W) image tensor:
    a random resized crop to (size, size) (antialiased), a random horizontal flip, conversion
    to float32 in [0, 1], then normalisation with IMAGENET_MEAN and IMAGENET_STD.
    Returns float32 (3, size, size)."""
    # BEGIN SOLUTION: Task 4: a chain of transforms: random crop and resize, random flip, to float, normalise
    return v2.Compose(
        [
            v2.RandomResizedCrop(size, antialias=True),
            v2.RandomHorizontalFlip(),
            v2.ToDtype(torch.float32, scale=True),  # uint8 0..255 -> float 0..1
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),  # on floats in [0, 1], never on 0..255
        ]
    )
    # END SOLUTION


def evaluation_pipeline(size: int) -> v2.Compose:
    """Task 5. The deterministic pipeline for evaluation: resize the shorter side to `size`
    (antialiased), crop the (size, size) centre, convert to float32 in [0, 1], normalise
    with IMAGENET_MEAN and IMAGENET_STD."""
    # BEGIN SOLUTION: Task 5: the same chain without randomness: resize the shorter side, crop the centre
    return v2.Compose(
        [
            v2.Resize(size, antialias=True),
            v2.CenterCrop(size),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )
    # END SOLUTION


def augment(pipeline: v2.Compose, image: torch.Tensor, seed: int) -> torch.Tensor:
    """Task 6. Apply `pipeline` to `image` reproducibly: the same seed gives the same
    augmentation every time. torchvision's random transforms draw from torch's global
    generator."""
    # BEGIN SOLUTION: Task 6: random transforms draw from torch's global generator
    torch.manual_seed(seed)
    return pipeline(image)
    # END SOLUTION
