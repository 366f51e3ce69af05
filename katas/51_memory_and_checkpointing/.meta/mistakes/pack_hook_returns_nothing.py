"""Counts in the pack hook but forgets to return the tensor: autograd stores None, and the
backward pass has nothing to compute the gradient from."""

from solution import *


def saved_tensor_bytes(fn, *inputs):
    nbytes = 0

    def pack(tensor):
        nonlocal nbytes
        nbytes += tensor.numel() * tensor.element_size()

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda packed: packed):
        output = fn(*inputs)
    return output, nbytes
