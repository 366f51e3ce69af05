"""Kata 36: build a CNN.

Fill in every function below; `katas/36_build_a_cnn/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/36_build_a_cnn
"""

import torch
from torch import nn


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Task 1. The height (or width) a Conv2d or MaxPool2d gives for an input of `size` pixels.

    conv_output_size(16, kernel_size=3, padding=1) -> 16
    conv_output_size(16, kernel_size=2, stride=2) -> 8
    """
    # BEGIN SOLUTION: Task 1: padding is added on both sides; count how many strides fit
    return (size + 2 * padding - kernel_size) // stride + 1
    # END SOLUTION


class ShapesCNN(nn.Module):
    """Task 2. A small convolutional classifier.

    forward: images (B, in_channels, H, W) float32, any H, W >= 8 -> logits (B, num_classes):
    raw scores, not probabilities (CrossEntropyLoss applies log-softmax itself).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 3):
        super().__init__()
        # BEGIN SOLUTION: Task 2: a few convolution blocks that shrink the image, then something that makes the size not matter
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        # A global max pool makes the classifier indifferent to where the shape sits and to H, W.
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.classifier = nn.Linear(32, num_classes)
        # END SOLUTION

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 2: features, a global pool, flatten, classifier; raw scores at the end
        features = self.features(images)  # (B, C, H, W) -> (B, 32, H/2, W/2)
        pooled = self.pool(features).flatten(1)  # (B, 32, h, w) -> (B, 32)
        return self.classifier(pooled)  # (B, 32) -> (B, num_classes)
        # END SOLUTION


def train(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    epochs: int = 4,
    batch_size: int = 32,
    lr: float = 1e-2,
) -> list[float]:
    """Task 3. Train `model` in place with Adam and cross-entropy on shuffled mini-batches.

    images (N, C, H, W) float32, labels (N,) int64 class indices.
    Returns the loss of every step, as Python floats, in order.
    """
    # BEGIN SOLUTION: Task 3: training mode; each epoch a new order, and one optimizer step per mini-batch
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()  # takes raw logits: it applies log-softmax itself
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(images), device=images.device)
        for start in range(0, len(images), batch_size):
            batch = order[start : start + batch_size]
            loss = loss_fn(model(images[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
    # END SOLUTION


def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Task 4. The predicted class of every image: (N, C, H, W) -> (N,) int64.

    Puts the model in evaluation mode (dropout off, batch norm uses its running statistics)
    and computes without building a graph.
    """
    # BEGIN SOLUTION: Task 4: evaluation mode, no graph, the highest score wins
    model.eval()
    with torch.no_grad():
        return model(images).argmax(dim=1)
    # END SOLUTION
