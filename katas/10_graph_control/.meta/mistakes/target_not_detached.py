"""Leaves the target in the graph: the gradient also pushes the target towards the prediction."""

from solution import *


def loss_to_fixed_target(prediction, target):
    return ((prediction - target) ** 2).mean()
