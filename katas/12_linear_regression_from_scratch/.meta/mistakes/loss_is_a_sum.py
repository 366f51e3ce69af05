"""Sums the squared errors instead of averaging: N times larger, so is every gradient step."""

from solution import *


def mean_squared_error(predictions, targets):
    return ((predictions - targets) ** 2).sum()
