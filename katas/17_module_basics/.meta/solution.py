"""Kata 17: module basics.

Fill in every function below; `katas/17_module_basics/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/17_module_basics
"""

import itertools
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


class TinyMLP(nn.Module):
    """Task 1. A multilayer perceptron whose parts are all registered with the module.

    TinyMLP(sizes) for sizes = [n_in, h1, ..., n_out] (at least two numbers) holds:
      - `layers`: an nn.ModuleList of nn.Linear(sizes[k], sizes[k + 1]), in order;
      - `scale`: a learnable nn.Parameter of shape (n_out,), initialised to ones;
      - `num_batches`: a buffer (not a parameter), a 0-dim int64 tensor starting at 0.
    forward(x): (B, n_in) -> (B, n_out): each layer but the last followed by ReLU, then the
    last layer, then multiplied by `scale`. In training mode (not in eval mode) every call
    adds 1 to `num_batches`.
    """

    def __init__(self, sizes: list[int]):
        super().__init__()
        # BEGIN SOLUTION: Task 1: register the layers, the parameter and the buffer so the module knows about them
        self.layers = nn.ModuleList(
            nn.Linear(fan_in, fan_out) for fan_in, fan_out in itertools.pairwise(sizes)
        )
        self.scale = nn.Parameter(torch.ones(sizes[-1]))
        # A buffer moves with .to() and is saved in the state_dict, but is never trained.
        self.register_buffer("num_batches", torch.tensor(0, dtype=torch.int64))
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 1: ReLU between layers, none after the last; count the calls made in training mode
        if self.training:
            self.num_batches += 1
        *hidden, last = self.layers
        for layer in hidden:
            x = F.relu(layer(x))
        return last(x) * self.scale  # (B, n_out) * (n_out,)
        # END SOLUTION


def count_parameters(module: nn.Module, trainable_only: bool = False) -> int:
    """Task 2. The number of scalar values in the module's parameters (buffers do not count);
    with trainable_only, only those of parameters with requires_grad=True.

    count_parameters(nn.Linear(3, 2)) -> 8
    """
    # BEGIN SOLUTION: Task 2: add up how many values each parameter holds
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)
    # END SOLUTION


def freeze(module: nn.Module, prefix: str) -> list[str]:
    """Task 3. Stop training every parameter whose name in module.named_parameters() starts
    with `prefix` (requires_grad=False); return their names, in named_parameters order.

    freeze(TinyMLP([4, 8, 2]), "layers.0") -> ["layers.0.weight", "layers.0.bias"]
    """
    # BEGIN SOLUTION: Task 3: the dotted names tell you which parameters to freeze
    frozen = []
    for name, p in module.named_parameters():
        if name.startswith(prefix):
            p.requires_grad_(False)
            frozen.append(name)
    return frozen
    # END SOLUTION


def save_and_reload(model: TinyMLP, sizes: list[int], path: Path) -> TinyMLP:
    """Task 4. Save `model`'s state_dict to `path`, build a fresh TinyMLP(sizes), load the
    saved state into it (with weights_only=True: no pickled code is executed) and return it.
    The reloaded model must give the same outputs and the same buffers.
    """
    # BEGIN SOLUTION: Task 4: save only the tensors; load them safely into a fresh model
    torch.save(model.state_dict(), path)
    reloaded = TinyMLP(sizes)
    reloaded.load_state_dict(torch.load(path, weights_only=True))
    return reloaded
    # END SOLUTION
