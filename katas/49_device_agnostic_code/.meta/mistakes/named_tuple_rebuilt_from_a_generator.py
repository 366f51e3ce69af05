"""Rebuilds tuples with type(batch)(generator): a named tuple takes its fields as separate
arguments, so the call fails (or fills the first field with a generator)."""

from solution import *


def move_to(batch, device, non_blocking=False):
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, dict):
        return type(batch)((key, move_to(v, device, non_blocking)) for key, v in batch.items())
    if isinstance(batch, (list, tuple)):
        return type(batch)(move_to(item, device, non_blocking) for item in batch)
    return batch
