"""Adds up numel() only: a float64 activation costs twice a float32 one, and this misses it."""

from solution import *


def saved_tensor_bytes(fn, *inputs):
    count = 0

    def pack(tensor):
        nonlocal count
        count += tensor.numel()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        output = fn(*inputs)
    return output, count * 4
