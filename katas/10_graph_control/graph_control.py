"""Kata 10: graph control.

Fill in every function below; `katas/10_graph_control/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/10_graph_control
"""

from collections.abc import Callable, Sequence

import torch

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def gradients_per_batch(
    weight: torch.Tensor, batches: Sequence[torch.Tensor], loss_fn: LossFn
) -> list[torch.Tensor]:
    """Task 1. For each batch, the gradient of loss_fn(weight, batch) alone with respect to
    `weight`, a leaf that requires grad (its .grad may already hold something). Returns one
    tensor of weight's shape per batch; later backward calls must not change those tensors."""
    raise NotImplementedError(
        "Task 1: .grad accumulates across backward calls; each batch must start clean, and you keep "
        "a copy"
    )


def accumulated_gradient(
    weight: torch.Tensor, batches: Sequence[torch.Tensor], loss_fn: LossFn
) -> torch.Tensor:
    """Task 2. The gradient of the MEAN of the batch losses, (1/n) Σ loss_fn(weight, batch),
    built up by one backward call per batch (gradient accumulation: only one batch's graph in
    memory at a time). Whatever weight.grad held before the call must not count."""
    raise NotImplementedError(
        "Task 2: start from no gradient, scale each batch's loss, let .grad add them up"
    )


def gradients_of_two_losses(
    x: torch.Tensor, loss_a: torch.Tensor, loss_b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 3. (d loss_a / d x, d loss_b / d x), each on its own, where the scalars loss_a and
    loss_b were both computed from the leaf x through a shared part of one graph."""
    raise NotImplementedError(
        "Task 3: the first backward frees the shared graph unless told to keep it"
    )


def loss_to_fixed_target(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Task 4. The mean squared error between prediction and target, as a scalar that gradients
    flow back from through `prediction` only: the target counts as a constant, even when it was
    computed from the same parameters."""
    raise NotImplementedError(
        "Task 4: the target must count as a constant, without changing the caller's tensor"
    )


def evaluate_without_graph(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """Task 5. fn(x), computed with recording switched off while fn runs (no graph is built):
    the result does not require grad, even when fn uses parameters that do, and is an ordinary
    tensor (not an inference tensor) that may enter a graph later."""
    raise NotImplementedError("Task 5: switch recording off for the duration of the call")


def evaluate_in_inference_mode(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """Task 5. fn(x), computed in inference mode: the result is an inference tensor
    (result.is_inference() is True), the cheapest way to run a model when no gradient will ever
    be needed."""
    raise NotImplementedError("Task 5: the stricter sibling of switching recording off")
