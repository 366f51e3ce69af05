"""Compiles a deep copy: training the compiled module would leave the caller's model untouched."""

import copy

from solution import *


def compile_model(model, backend="inductor"):
    return torch.compile(copy.deepcopy(model), backend=backend, fullgraph=True)
