"""Adds the classes to torch's global allowlist: every later load in the program trusts them."""

from solution import *


def load_trusted(path, allowed):
    torch.serialization.add_safe_globals(allowed)
    return torch.load(path, weights_only=True)
