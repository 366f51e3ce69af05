"""Writes sums[labels] += values: with repeated labels, advanced-index assignment keeps one
write per class instead of adding them all up."""

from solution import *


def class_sums(values, labels, num_classes):
    sums = values.new_zeros(num_classes, values.shape[1])
    sums[labels] += values
    return sums
