"""Undoes its addition with clear_safe_globals(): that also wipes every class the program (and
torch itself) had allowed before the call."""

from solution import *


def load_trusted(path, allowed):
    torch.serialization.add_safe_globals(allowed)
    try:
        return torch.load(path, weights_only=True)
    finally:
        torch.serialization.clear_safe_globals()
