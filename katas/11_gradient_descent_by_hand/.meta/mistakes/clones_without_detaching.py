"""Copies the start with clone() alone: when start already requires grad (an nn.Parameter),
the copy is not a leaf, its .grad stays None and the gradients pile up in the caller's start."""

from solution import *


def gradient_descent(fn, start, lr, steps):
    point = start.clone().requires_grad_(True)
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        (gradient,) = torch.autograd.grad(fn(point), point, retain_graph=True)
        fn(point).backward()
        with torch.no_grad():
            point = point - lr * gradient
        point.requires_grad_(True)
        trajectory.append(point.detach().clone())
    return torch.stack(trajectory)
