"""Uses no_grad where inference mode was asked for: no graph, but not an inference tensor."""

from solution import *


def evaluate_in_inference_mode(fn, x):
    with torch.no_grad():
        return fn(x)
