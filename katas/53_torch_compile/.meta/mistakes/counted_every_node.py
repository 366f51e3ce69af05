"""Counts every node of the graph as an operation: inputs and the output node included."""

from solution import *


class GraphCounter(GraphCounter):
    def __call__(self, gm, example_inputs):
        self.graphs.append(gm)
        self.op_counts.append(len(gm.graph.nodes))
        return gm.forward
