"""Multiplies by weight as stored, (out, in), without transposing: right only by luck when square."""

from solution import *


def linear(x, weight, bias):
    return x @ weight + bias
