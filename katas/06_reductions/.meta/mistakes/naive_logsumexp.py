"""Computes log(sum(exp(x))) literally: exp(1000) is inf and exp(-1000) is 0, so large inputs
give inf and very negative ones -inf."""

from solution import *


def logsumexp(x, dim):
    return x.exp().sum(dim=dim).log()
