"""Seeds the global RNG and leaves it seeded: every later random call in the program changes."""

from solution import *


def with_seed(fn, seed):
    torch.manual_seed(seed)
    return fn()
