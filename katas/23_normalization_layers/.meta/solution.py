"""Kata 23: normalization layers.

Fill in every function below; `katas/23_normalization_layers/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/23_normalization_layers
"""

import torch
from torch import nn


def layer_norm(
    x: torch.Tensor,
    normalized_shape: tuple[int, ...],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Task 1. Normalise each sample over its LAST len(normalized_shape) dimensions to mean 0 and
    variance 1 (biased variance, eps added to it), then scale by `weight` and shift by `bias`
    (both of shape normalized_shape) when given. Equal to F.layer_norm.

    x: (*, *normalized_shape) -> same shape. Samples never see each other.
    """
    # BEGIN SOLUTION: Task 1: statistics over the trailing dimensions only, kept so they broadcast back
    dims = tuple(range(-len(normalized_shape), 0))  # e.g. (-2, -1) for normalized_shape (H, W)
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, correction=0, keepdim=True)  # biased: divide by the count
    x_hat = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat
    # END SOLUTION


class BatchNorm1d(nn.Module):
    """Batch normalisation over dimension 1 (the features), equal to nn.BatchNorm1d.

    Input (N, C) or (N, C, L); statistics are per feature, over N (and L).
    Training: normalise with the batch's mean and biased variance; update the running
    statistics: running = (1 - momentum) * running + momentum * batch, using the batch's
    UNBIASED variance for running_var. Eval: normalise with the running statistics only.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))  # gamma
        self.bias = nn.Parameter(torch.zeros(num_features))  # beta
        # Buffers: saved in state_dict and moved by .to(), but not trained.
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def batch_statistics(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 2. The batch's per-feature mean and BIASED variance, each (C,), over every
        dimension but 1; and, as a side effect, the update of running_mean and running_var
        (with the batch's UNBIASED variance), recorded nowhere in autograd's graph."""
        # BEGIN SOLUTION: Task 2: one statistic per feature: reduce over every dimension but the features'; the buffers learn outside the graph
        dims = [0, *range(2, x.dim())]  # every dimension but the features'
        mean = x.mean(dim=dims)  # (C,)
        var = x.var(dim=dims, correction=0)  # (C,): what the batch is normalised with
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            unbiased_var = var * count / (count - 1)  # what the running estimate tracks
            self.running_mean.lerp_(mean, self.momentum)  # (1 - m) * running + m * batch
            self.running_var.lerp_(unbiased_var, self.momentum)
        return mean, var
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Task 3. (N, C) or (N, C, L) -> same shape: normalise with the batch statistics in
        training mode (self.training), with the running ones in eval mode, then scale by
        weight and shift by bias, per feature."""
        # BEGIN SOLUTION: Task 3: the mode decides which statistics; then shape them to line up with the feature dimension
        if self.training:
            mean, var = self.batch_statistics(x)
        else:
            mean, var = self.running_mean, self.running_var
        shape = [1, -1] + [1] * (x.dim() - 2)  # (C,) -> (1, C) or (1, C, 1)
        x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + self.eps)
        return x_hat * self.weight.view(shape) + self.bias.view(shape)
        # END SOLUTION
