"""Rebuilds every sequence as a list: tuples (and named tuples) come back as lists."""

from solution import *


def move_to(batch, device, non_blocking=False):
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, dict):
        return {key: move_to(value, device, non_blocking) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [move_to(item, device, non_blocking) for item in batch]
    return batch
