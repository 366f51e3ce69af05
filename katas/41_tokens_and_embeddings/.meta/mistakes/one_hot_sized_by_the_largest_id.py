"""Lets one_hot guess the vocabulary from the largest id present: when the batch does not
contain the last id, the one-hot rows are too short for the (V, D) weight."""

from solution import *


def one_hot_embedding(ids, weight):
    one_hot = torch.nn.functional.one_hot(ids).to(weight.dtype)
    return one_hot @ weight
