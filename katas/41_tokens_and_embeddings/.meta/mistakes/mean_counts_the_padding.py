"""Zeroes the padding embeddings but divides by the padded length T: short sequences get
averages shrunk toward zero."""

from solution import *


def mean_embedding(ids, weight, padding_idx):
    keep = (ids != padding_idx).unsqueeze(-1).to(weight.dtype)
    return (weight[ids] * keep).sum(dim=1) / ids.shape[1]
