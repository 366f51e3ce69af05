"""Kata 21: optimizers from scratch.

Fill in every method marked below; `katas/21_optimizers_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/21_optimizers_from_scratch
"""

from collections.abc import Iterable

import torch


class SGD:
    """Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay,
    equal to torch.optim.SGD(params, lr, momentum, weight_decay=..., nesterov=...) step by step.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.nesterov = nesterov
        # One velocity per parameter, created on its first step (None until then).
        self.momentum_buffers: list[torch.Tensor | None] = [None] * len(self.params)

    def zero_grad(self) -> None:
        """Task 1. Forget every parameter's gradient: set `.grad` to None, as torch.optim does."""
        # BEGIN SOLUTION: Task 1: None, not zeros: the next backward pass then starts fresh
        for param in self.params:
            param.grad = None
        # END SOLUTION

    @torch.no_grad()
    def step(self) -> None:
        """Task 2. Update every parameter that has a gradient, in place:

            g = grad + weight_decay * p
            buf = g on the first step, else momentum * buf + g      (only when momentum != 0)
            g = g + momentum * buf if nesterov else buf             (only when momentum != 0)
            p = p - lr * g

        Parameters whose .grad is None are skipped.
        """
        # BEGIN SOLUTION: Task 2: weight decay joins the gradient before the momentum buffer does
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad + self.weight_decay * param
            if self.momentum != 0:
                buffer = self.momentum_buffers[index]
                if buffer is None:
                    buffer = direction.clone()
                else:
                    buffer.mul_(self.momentum).add_(direction)
                self.momentum_buffers[index] = buffer
                direction = direction + self.momentum * buffer if self.nesterov else buffer
            param.sub_(self.lr * direction)
        # END SOLUTION


class Adam:
    """Adam with bias correction and L2 weight decay (added to the gradient), equal to
    torch.optim.Adam(params, lr, betas, eps, weight_decay) step by step."""

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        self.params = list(params)
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.steps = [0] * len(self.params)  # t, per parameter (skipped ones do not count)
        self.exp_avgs = [torch.zeros_like(p) for p in self.params]  # m: mean of gradients
        self.exp_avg_sqs = [torch.zeros_like(p) for p in self.params]  # v: mean of their squares

    def zero_grad(self) -> None:
        """Task 1. Set every parameter's `.grad` to None."""
        # BEGIN SOLUTION: Task 1: the same as SGD's
        for param in self.params:
            param.grad = None
        # END SOLUTION

    @torch.no_grad()
    def step(self) -> None:
        """Task 3. Update every parameter that has a gradient, in place (t counts its steps,
        starting at 1):

            g = grad + weight_decay * p
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** t);  v_hat = v / (1 - beta2 ** t)
            p = p - lr * m_hat / (sqrt(v_hat) + eps)
        """
        # BEGIN SOLUTION: Task 3: both running averages start at 0, so divide out their bias towards 0
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            self.steps[index] += 1
            t = self.steps[index]
            grad = param.grad + self.weight_decay * param
            exp_avg, exp_avg_sq = self.exp_avgs[index], self.exp_avg_sqs[index]
            exp_avg.lerp_(grad, 1 - self.beta1)  # beta1 * m + (1 - beta1) * g
            exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
            m_hat = exp_avg / (1 - self.beta1**t)
            v_hat = exp_avg_sq / (1 - self.beta2**t)
            param.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
        # END SOLUTION
