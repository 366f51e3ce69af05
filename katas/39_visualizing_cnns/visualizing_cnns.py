"""Kata 39: visualizing CNNs.

Fill in every function below; `katas/39_visualizing_cnns/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/39_visualizing_cnns
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files only: no window, works on servers and in CI
import matplotlib.pyplot as plt
import torch
from torch import nn


def collect_feature_maps(
    model: nn.Module, layers: dict[str, nn.Module], images: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Task 1. Run `model(images)` once and return {name: output of layers[name]}, detached,
    using forward hooks. Leaves no hook behind, even if the forward pass raises."""
    raise NotImplementedError(
        "Task 1: a hook per layer that keeps its output under its name; remove every hook, whatever "
        "happens"
    )


def filters_as_images(weight: torch.Tensor) -> torch.Tensor:
    """Task 2. Conv filters as images: weight (out, in, kh, kw) -> (out, kh, kw, in), channels
    last, each filter scaled on its own to [0, 1] (its min to 0, its max to 1). A constant
    filter becomes all zeros."""
    raise NotImplementedError(
        "Task 2: each filter scaled by its own minimum and maximum, then channels last"
    )


def saliency_map(model: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Task 3. How much each pixel moves the score of class `target`: image (C, H, W) ->
    (H, W), the largest absolute gradient of the score over the channels."""
    raise NotImplementedError(
        "Task 3: how much does the score change with each pixel? Ask autograd, on a copy of the "
        "image"
    )


def grad_cam(model: nn.Module, layer: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Task 4. The Grad-CAM map of class `target` at `layer`: image (C, H, W) -> (h, w), the
    layer's output size. weights = gradient of the score with respect to the layer's output,
    averaged over space; map = ReLU(sum over channels of weight * activation), divided by its
    maximum (an all-zero map stays zero). Leaves no hook behind."""
    raise NotImplementedError(
        "Task 4: the layer's activation, weighted by the average gradient of each of its channels"
    )


def save_figure(panels: list[torch.Tensor], titles: list[str], path: str | Path) -> None:
    """Task 5. A PNG at `path` with the panels side by side, each with its title: every panel
    is an image (H, W) (drawn in grey or a colour map) or (H, W, 3) with values in [0, 1].
    Closes the figure afterwards."""
    raise NotImplementedError("Task 5: one row of panels, each with its title; save, then close")
