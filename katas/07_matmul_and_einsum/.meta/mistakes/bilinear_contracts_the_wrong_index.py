"""Labels the matrix "ji" instead of "ij": computes x^T M^T y, equal only for symmetric M."""

from solution import *


def bilinear_form(x, matrix, y):
    return torch.einsum("bi,ji,bj->b", x, matrix, y)
