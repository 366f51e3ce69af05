"""Kata 38: transfer learning.

Fill in every function below; `katas/38_transfer_learning/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/38_transfer_learning

The model is torchvision's ResNet-18: a backbone of convolutions and batch norms, then
`model.fc`, a Linear(512, 1000) head for ImageNet's 1000 classes.
"""

from pathlib import Path

import torch
from torch import nn
from torchvision import models


def load_pretrained(path: str | Path) -> models.ResNet:
    """Task 1. A torchvision resnet18 (1000 classes) with the state dict saved at `path`."""
    raise NotImplementedError(
        "Task 1: build the architecture first, then pour the saved tensors into it"
    )


def replace_head(model: models.ResNet, num_classes: int) -> models.ResNet:
    """Task 2. Give `model` a new, freshly initialised head for `num_classes` classes, taking
    the same 512 features; returns the same model, which now maps (B, 3, H, W) ->
    (B, num_classes)."""
    raise NotImplementedError(
        "Task 2: a new, randomly initialised last layer with as many outputs as classes"
    )


def freeze_backbone(model: nn.Module) -> None:
    """Task 3. Stop gradients to every parameter except the head's (model.fc)."""
    raise NotImplementedError("Task 3: nothing trains but the head")


def param_groups(model: models.ResNet, head_lr: float, backbone_lr: float) -> list[dict]:
    """Task 4. Parameter groups for an optimizer: the head's parameters with `head_lr`, every
    other parameter with `backbone_lr`; each parameter in exactly one group.

    torch.optim.SGD(param_groups(model, 1e-2, 1e-4), lr=...) fine-tunes the backbone gently.
    """
    raise NotImplementedError(
        "Task 4: two groups, split by whether a parameter belongs to the head"
    )


def train_head(
    model: models.ResNet, images: torch.Tensor, labels: torch.Tensor, steps: int, lr: float
) -> list[float]:
    """Task 5. Train only the head for `steps` full-batch steps of Adam(lr) with cross-entropy;
    the backbone (its parameters AND its batch-norm running statistics) must come out exactly
    as it went in. images (B, 3, H, W) float32, labels (B,) int64. Returns the loss of every
    step (computed before its update) as Python floats."""
    raise NotImplementedError(
        "Task 5: only the head may change: not the backbone's parameters, and not its running "
        "statistics"
    )
