"""Builds the point with torch.tensor(x) and no dtype: an int x gives an int64 tensor, which cannot require grad."""

from solution import *


def derivative_at(fn, x):
    point = torch.tensor(x, requires_grad=True)
    fn(point).backward()
    return point.grad.item()
