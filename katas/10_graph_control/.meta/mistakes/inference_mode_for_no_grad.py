"""Uses inference_mode where no_grad was asked for: the result is an inference tensor that can never enter a graph."""

from solution import *


def evaluate_without_graph(fn, x):
    with torch.inference_mode():
        return fn(x)
