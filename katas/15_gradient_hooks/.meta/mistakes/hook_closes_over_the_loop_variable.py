"""The hook is a lambda that reads the loop variable: every gradient lands under the last name."""

from solution import *


def capture_gradients(named_tensors):
    captured = {}
    for name, tensor in named_tensors.items():
        tensor.register_hook(lambda grad: captured.__setitem__(name, grad))  # noqa: B023
    return captured
