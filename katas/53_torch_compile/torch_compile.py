"""Kata 53: torch.compile.

Fill in every function below; `katas/53_torch_compile/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/53_torch_compile
"""

from collections.abc import Callable

import torch
import torch._dynamo
from torch import nn


class BreakyBlock(nn.Module):
    """Given (do not change): a small block written the way eager PyTorch invites, with two
    graph breaks that stop torch.compile from capturing it in one graph.

    forward(x, lengths): x is (B, T, C) float, lengths is (B,) int64, the number of real
    (non-padding) positions of each row. Returns tanh of the linear map, with padding positions
    zeroed and everything divided by the largest magnitude when that is above 1. Shape (B, T, C).
    """

    def __init__(self, features: int = 8):
        super().__init__()
        self.linear = nn.Linear(features, features)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        h = self.linear(x)  # (B, T, C)
        for row, length in enumerate(lengths.tolist()):  # graph break: tensor -> Python list
            h[row, length:] = 0.0  # padding positions count for nothing
        peak = h.abs().amax()
        if peak.item() > 1.0:  # graph break: a Python branch on a tensor's value
            h = h / peak
        return torch.tanh(h)


class GraphCounter:
    """Task 1. A torch.compile backend that records every graph Dynamo hands it and runs each
    one unchanged (eagerly), so counting costs no compilation.

    Use it as `counter = GraphCounter(); torch.compile(fn, backend=counter)(*args)`.
    graphs: the torch.fx.GraphModule of every graph compiled, in order.
    op_counts: for each graph, its number of operations: nodes that call something
    (call_function, call_method, call_module), not inputs (placeholder), attributes (get_attr)
    or the output node.
    """

    def __init__(self):
        self.graphs: list[torch.fx.GraphModule] = []
        self.op_counts: list[int] = []

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: list) -> Callable:
        raise NotImplementedError(
            "Task 1: remember the graph and how many of its nodes are calls, then give back "
            "something that runs it"
        )


def count_graph_breaks(fn: Callable, *args) -> int:
    """Task 2. The number of graph breaks Dynamo meets when it compiles `fn` for `args`.

    A function captured in one graph has 0. Only counts: traces with a backend that compiles
    nothing, and leaves `fn` as it was (calling it afterwards runs it eagerly, as before).
    """
    raise NotImplementedError("Task 2: let Dynamo trace fn once and report what stopped it")


class GraphFriendlyBlock(BreakyBlock):
    """Task 3. BreakyBlock with the same parameters and results, captured in ONE graph:
    `torch.compile(block, fullgraph=True)` must accept it.

    forward(x, lengths): as BreakyBlock.forward, for any lengths in [0, T] and any peak.
    """

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(
            'Task 3: say "zero the padding" and "divide only above 1" with tensor operations, never '
            "a Python number"
        )


def compile_model(model: nn.Module, backend: str | Callable = "inductor") -> nn.Module:
    """Task 4. `model` compiled by `backend` as ONE graph: a model with a graph break must raise
    an error on its first call instead of running in pieces.

    Returns a module that shares `model`'s parameters (no copy) and gives its results.
    """
    raise NotImplementedError("Task 4: ask torch.compile to refuse graph breaks")
