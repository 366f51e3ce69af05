"""Kata 15: gradient hooks and clipping.

Fill in every function below; `katas/15_gradient_hooks/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/15_gradient_hooks
"""

from collections.abc import Iterable

import torch
from torch import nn
from torch.utils.hooks import RemovableHandle


def capture_gradients(named_tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Task 1. Register a hook on every tensor of `named_tensors` (intermediate results that
    require grad) so that, when backward runs, the gradient reaching that tensor is stored in
    the returned dict under the tensor's name. Return the dict now; it fills during backward.

    Intermediate tensors keep no .grad of their own: a hook is how you see their gradient.
    """
    # BEGIN SOLUTION: Task 1: a hook per tensor, each storing under its own name (mind late binding in loops)
    captured: dict[str, torch.Tensor] = {}

    def store_under(name: str):
        def hook(grad: torch.Tensor) -> None:
            captured[name] = grad  # returning None leaves the gradient unchanged

        return hook

    for name, tensor in named_tensors.items():
        tensor.register_hook(store_under(name))
    return captured
    # END SOLUTION


def clamp_gradients_with_hooks(module: nn.Module, limit: float) -> list[RemovableHandle]:
    """Task 2. Register a hook on every parameter of `module` that clamps each element of its
    gradient to [-limit, limit] as backward produces it. Return the hooks' handles, so the
    caller can `handle.remove()` them.
    """
    # BEGIN SOLUTION: Task 2: a hook that returns a tensor replaces the gradient with it
    return [p.register_hook(lambda grad: grad.clamp(-limit, limit)) for p in module.parameters()]
    # END SOLUTION


def global_grad_norm(parameters: Iterable[nn.Parameter]) -> torch.Tensor:
    """Task 3. The L2 norm of all gradients together, as if concatenated into one vector:
    sqrt(sum over parameters of sum(grad ** 2)). Parameters whose .grad is None are skipped.

    Returns a 0-dim float tensor.
    """
    # BEGIN SOLUTION: Task 3: the norm of everything equals the norm of the per-parameter norms
    norms = [torch.linalg.vector_norm(p.grad.detach()) for p in parameters if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack(norms)) if norms else torch.tensor(0.0)
    # END SOLUTION


def clip_by_global_norm_(parameters: Iterable[nn.Parameter], max_norm: float) -> torch.Tensor:
    """Task 4. In place: if the global gradient norm exceeds `max_norm`, scale EVERY gradient by
    the same factor max_norm / (total_norm + 1e-6), so the global norm becomes max_norm and
    the direction of the whole gradient is kept. Otherwise leave the gradients alone.

    Returns the global norm measured before clipping (a 0-dim tensor), like
    torch.nn.utils.clip_grad_norm_, whose results it must equal.
    """
    # BEGIN SOLUTION: Task 4: one factor for all gradients, never above 1
    with_grad = [p for p in parameters if p.grad is not None]
    total_norm = global_grad_norm(with_grad)
    factor = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
    for p in with_grad:
        p.grad.detach().mul_(factor.to(p.grad.device))
    return total_norm
    # END SOLUTION


def gradient_health(
    named_parameters: Iterable[tuple[str, nn.Parameter]],
    vanishing_below: float = 1e-6,
    exploding_above: float = 1e3,
) -> dict[str, str]:
    """Task 5. A diagnosis per parameter from the L2 norm of its gradient: "vanishing" when the
    norm is below `vanishing_below`, "exploding" when it is above `exploding_above` or not
    finite (inf, nan), otherwise "ok". Parameters whose .grad is None are left out.

    gradient_health(model.named_parameters()) -> {"0.weight": "ok", "0.bias": "vanishing", ...}
    """
    # BEGIN SOLUTION: Task 5: check for non-finite norms first: nan compares False with everything
    health = {}
    for name, p in named_parameters:
        if p.grad is None:
            continue
        norm = torch.linalg.vector_norm(p.grad.detach()).item()
        if not torch.isfinite(torch.tensor(norm)) or norm > exploding_above:
            health[name] = "exploding"
        elif norm < vanishing_below:
            health[name] = "vanishing"
        else:
            health[name] = "ok"
    return health
    # END SOLUTION
