"""Exponentiates the raw logits: exp(1000) overflows to inf and the softmax becomes nan."""

from solution import *


def softmax(x, dim=-1):
    exps = x.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
