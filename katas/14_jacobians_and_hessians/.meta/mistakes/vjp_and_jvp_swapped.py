"""Mixes up the two products: the vector-Jacobian product is computed with jvp, and vice versa."""

from solution import *


def vector_jacobian_product(f, x, v):
    return torch.func.jvp(f, (x,), (v,))[1]


def jacobian_vector_product(f, x, u):
    return torch.func.vjp(f, x)[1](u)[0]
