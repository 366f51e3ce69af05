"""Shrinks by (1 - weight_decay), forgetting AdamW scales the decay by the learning rate."""

from solution import *


@torch.no_grad()
def decoupled_weight_decay_(parameters, lr, weight_decay):
    for param in parameters:
        param.mul_(1 - weight_decay)
