"""Never clears .grad: each step moves by the sum of all gradients so far."""

from solution import *


def gradient_descent(fn, start, lr, steps):
    point = start.detach().clone().requires_grad_(True)
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        fn(point).backward()
        with torch.no_grad():
            point -= lr * point.grad
        trajectory.append(point.detach().clone())
    return torch.stack(trajectory)
