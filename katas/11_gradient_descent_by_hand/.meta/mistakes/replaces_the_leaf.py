"""Writes point = point - lr * grad under no_grad: a new tensor that no longer requires grad."""

from solution import *


def gradient_descent(fn, start, lr, steps):
    point = start.detach().clone().requires_grad_(True)
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        point.grad = None
        fn(point).backward()
        with torch.no_grad():
            point = point - lr * point.grad
        trajectory.append(point.detach().clone())
    return torch.stack(trajectory)
