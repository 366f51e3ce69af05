"""Calls backward twice through the shared graph without retain_graph=True: the second one fails."""

from solution import *


def gradients_of_two_losses(x, loss_a, loss_b):
    x.grad = None
    loss_a.backward()
    gradient_a = x.grad.clone()
    x.grad = None
    loss_b.backward()
    return gradient_a, x.grad.clone()
