"""Sums the squared errors and divides by len(prediction): the number of rows, which is the
number of elements only for a 1-D prediction."""

from solution import *


def loss_to_fixed_target(prediction, target):
    return ((prediction - target.detach()) ** 2).sum() / len(prediction)
