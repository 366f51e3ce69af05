"""Moves the tensors by assigning into the caller's dicts and lists: the caller's batch changes
device behind its back."""

from solution import *


def move_to(batch, device, non_blocking=False):
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, dict):
        for key, value in batch.items():
            batch[key] = move_to(value, device, non_blocking)
        return batch
    if isinstance(batch, list):
        for index, item in enumerate(batch):
            batch[index] = move_to(item, device, non_blocking)
        return batch
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(move_to(item, device, non_blocking) for item in batch))
    if isinstance(batch, tuple):
        return tuple(move_to(item, device, non_blocking) for item in batch)
    return batch
