"""Calls backward() and returns the .grad tensors without clearing them first: the second call
on a replica returns the sum of both calls' gradients."""

from solution import *


def shard_gradients(replica, inputs, targets, loss_fn):
    loss = loss_fn(replica(inputs), targets)
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in replica.parameters()]
