"""Counts the bytes of each saved tensor's storage: a small saved view is charged for the whole
tensor it was sliced from."""

from solution import *


def saved_tensor_bytes(fn, *inputs):
    nbytes = 0

    def pack(tensor):
        nonlocal nbytes
        nbytes += tensor.untyped_storage().nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        output = fn(*inputs)
    return output, nbytes
