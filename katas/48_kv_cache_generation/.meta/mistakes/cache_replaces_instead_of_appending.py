"""Stores only the newest keys and values: after the prompt, each new token attends to itself
alone."""

from solution import *


def _update(self, layer, k, v):
    self.keys[layer], self.values[layer] = k, v
    return k, v


KVCache.update = _update
