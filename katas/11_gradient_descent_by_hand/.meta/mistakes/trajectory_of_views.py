"""Stores point.detach() without a copy: every row shares memory with the moving point, all equal the end."""

from solution import *


def gradient_descent(fn, start, lr, steps):
    point = start.detach().clone().requires_grad_(True)
    trajectory = [point.detach()]
    for _ in range(steps):
        point.grad = None
        fn(point).backward()
        with torch.no_grad():
            point -= lr * point.grad
        trajectory.append(point.detach())
    return torch.stack(trajectory)
