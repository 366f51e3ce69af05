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
    # BEGIN SOLUTION: Task 1: a hook per layer that keeps its output under its name; remove every hook, whatever happens
    outputs = {}

    def keep_output(name):
        def hook(module, inputs, output):
            outputs[name] = output.detach()

        return hook

    handles = [layer.register_forward_hook(keep_output(name)) for name, layer in layers.items()]
    try:
        with torch.no_grad():
            model(images)
    finally:
        for handle in handles:
            handle.remove()
    return outputs
    # END SOLUTION


def filters_as_images(weight: torch.Tensor) -> torch.Tensor:
    """Task 2. Conv filters as images: weight (out, in, kh, kw) -> (out, kh, kw, in), channels
    last, each filter scaled on its own to [0, 1] (its min to 0, its max to 1). A constant
    filter becomes all zeros."""
    # BEGIN SOLUTION: Task 2: each filter scaled by its own minimum and maximum, then channels last
    weight = weight.detach()
    low = weight.amin(dim=(1, 2, 3), keepdim=True)
    high = weight.amax(dim=(1, 2, 3), keepdim=True)
    span = (high - low).clamp(min=torch.finfo(weight.dtype).tiny)  # a constant filter: 0 / tiny
    scaled = (weight - low) / span
    return scaled.permute(0, 2, 3, 1)  # (out, in, kh, kw) -> (out, kh, kw, in)
    # END SOLUTION


def saliency_map(model: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Task 3. How much each pixel moves the score of class `target`: image (C, H, W) ->
    (H, W), the largest absolute gradient of the score over the channels."""
    # BEGIN SOLUTION: Task 3: how much does the score change with each pixel? Ask autograd, on a copy of the image
    image = image.detach().clone().requires_grad_(True)
    score = model(image.unsqueeze(0))[0, target]  # (1, C, H, W) -> (1, K) -> scalar
    (gradient,) = torch.autograd.grad(score, image)
    return gradient.abs().amax(dim=0)  # (C, H, W) -> (H, W)
    # END SOLUTION


def grad_cam(model: nn.Module, layer: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Task 4. The Grad-CAM map of class `target` at `layer`: image (C, H, W) -> (h, w), the
    layer's output size. weights = gradient of the score with respect to the layer's output,
    averaged over space; map = ReLU(sum over channels of weight * activation), divided by its
    maximum (an all-zero map stays zero). Leaves no hook behind."""
    # BEGIN SOLUTION: Task 4: the layer's activation, weighted by the average gradient of each of its channels
    kept = {}
    handle = layer.register_forward_hook(lambda module, inputs, output: kept.update(a=output))
    try:
        score = model(image.unsqueeze(0))[0, target]
    finally:
        handle.remove()
    activation = kept["a"][0]  # (1, k, h, w) -> (k, h, w)
    (gradient,) = torch.autograd.grad(score, kept["a"])
    weights = gradient[0].mean(dim=(1, 2))  # (k, h, w) -> (k,): one weight per channel
    cam = torch.relu((weights[:, None, None] * activation).sum(dim=0))  # (k, h, w) -> (h, w)
    peak = cam.max()
    return (cam / peak if peak > 0 else cam).detach()
    # END SOLUTION


def save_figure(panels: list[torch.Tensor], titles: list[str], path: str | Path) -> None:
    """Task 5. A PNG at `path` with the panels side by side, each with its title: every panel
    is an image (H, W) (drawn in grey or a colour map) or (H, W, 3) with values in [0, 1].
    Closes the figure afterwards."""
    # BEGIN SOLUTION: Task 5: one row of panels, each with its title; save, then close
    figure, axes = plt.subplots(1, len(panels), figsize=(2.5 * len(panels), 2.5), squeeze=False)
    for axis, panel, title in zip(axes[0], panels, titles, strict=True):
        axis.imshow(panel.detach().cpu().numpy(), cmap="viridis")
        axis.set_title(title)
        axis.axis("off")
    figure.savefig(path)
    plt.close(figure)  # pyplot keeps every figure alive until it is closed
    # END SOLUTION
