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
    # BEGIN SOLUTION: Task 1: .grad accumulates across backward calls; each batch must start clean, and you keep a copy
    gradients = []
    for batch in batches:
        weight.grad = None  # or weight.grad.zero_(): backward ADDS to whatever is there
        loss_fn(weight, batch).backward()
        # a copy: zero_() or the next backward would change the tensor in .grad in place
        gradients.append(weight.grad.clone())
    return gradients
    # END SOLUTION


def accumulated_gradient(
    weight: torch.Tensor, batches: Sequence[torch.Tensor], loss_fn: LossFn
) -> torch.Tensor:
    """Task 2. The gradient of the MEAN of the batch losses, (1/n) Σ loss_fn(weight, batch),
    built up by one backward call per batch (gradient accumulation: only one batch's graph in
    memory at a time). Whatever weight.grad held before the call must not count."""
    # BEGIN SOLUTION: Task 2: start from no gradient, scale each batch's loss, let .grad add them up
    weight.grad = None
    for batch in batches:
        # each backward adds its share; dividing by n makes the total the mean's gradient
        (loss_fn(weight, batch) / len(batches)).backward()
    return weight.grad.clone()
    # END SOLUTION


def gradients_of_two_losses(
    x: torch.Tensor, loss_a: torch.Tensor, loss_b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 3. (d loss_a / d x, d loss_b / d x), each on its own, where the scalars loss_a and
    loss_b were both computed from the leaf x through a shared part of one graph."""
    # BEGIN SOLUTION: Task 3: the first backward frees the shared graph unless told to keep it
    x.grad = None
    # keep the shared part of the graph alive for the second backward
    loss_a.backward(retain_graph=True)
    gradient_a = x.grad.clone()
    x.grad = None
    loss_b.backward()
    return gradient_a, x.grad.clone()
    # END SOLUTION


def loss_to_fixed_target(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Task 4. The mean squared error between prediction and target, as a scalar that gradients
    flow back from through `prediction` only: the target counts as a constant, even when it was
    computed from the same parameters."""
    # BEGIN SOLUTION: Task 4: the target must count as a constant, without changing the caller's tensor
    return ((prediction - target.detach()) ** 2).mean()
    # END SOLUTION


def evaluate_without_graph(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """Task 5. fn(x), computed with recording switched off while fn runs (no graph is built):
    the result does not require grad, even when fn uses parameters that do, and is an ordinary
    tensor (not an inference tensor) that may enter a graph later."""
    # BEGIN SOLUTION: Task 5: switch recording off for the duration of the call
    with torch.no_grad():
        return fn(x)
    # END SOLUTION


def evaluate_in_inference_mode(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> torch.Tensor:
    """Task 5. fn(x), computed in inference mode: the result is an inference tensor
    (result.is_inference() is True), the cheapest way to run a model when no gradient will ever
    be needed."""
    # BEGIN SOLUTION: Task 5: the stricter sibling of switching recording off
    with torch.inference_mode():
        return fn(x)
    # END SOLUTION
