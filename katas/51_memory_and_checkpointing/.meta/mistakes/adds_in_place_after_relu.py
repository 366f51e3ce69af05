"""The memory-saving version from the docstring: h += x overwrites the output relu_ saved, and
backward fails with "modified by an inplace operation"."""

from solution import *


def residual_relu(x, linear):
    hidden = linear(x)
    hidden.relu_()
    hidden += x
    return hidden
