"""Asks autograd.grad for create_graph=True: the gradient it returns still requires grad and drags its graph along."""

from solution import *


def gradient_of(fn, x):
    leaf = x.detach().clone().requires_grad_(True)
    return torch.autograd.grad(fn(leaf), leaf, create_graph=True)[0]
