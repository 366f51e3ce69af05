"""Uses |x|^2 + |y|^2 - 2 x.y (fast, one matmul) but takes the square root as is: for equal
points the rounding goes slightly negative and the distance is nan."""

from solution import *


def pairwise_distances(x, y):
    squared = (x * x).sum(dim=1)[:, None] + (y * y).sum(dim=1)[None, :] - 2 * x @ y.T
    return squared.sqrt()
