"""Averages gradients (velocity = m * velocity + (1 - m) * grad) instead of summing them as SGD does."""

from solution import *


def momentum_descent(fn, start, lr, momentum, steps):
    point = start.detach().clone().requires_grad_(True)
    velocity = torch.zeros_like(point)
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        point.grad = None
        fn(point).backward()
        with torch.no_grad():
            velocity = momentum * velocity + (1 - momentum) * point.grad
            point -= lr * velocity
        trajectory.append(point.detach().clone())
    return torch.stack(trajectory)
