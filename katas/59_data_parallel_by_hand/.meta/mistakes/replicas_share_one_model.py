"""Returns the same module n times: the "replicas" share one set of weights, so every update
is applied n times to it."""

from solution import *


def make_replicas(model, num_replicas):
    return [model] * num_replicas
