"""Moves the model to the device but never calls fully_shard: every rank keeps whole plain
tensors, and nothing averages the gradients, so each rank learns from its half of the data."""

from solution import *


def shard_model(model, device):
    return model.to(device)
