"""Compiles without fullgraph=True: a graph break silently splits the model into pieces."""

from solution import *


def compile_model(model, backend="inductor"):
    return torch.compile(model, backend=backend)
