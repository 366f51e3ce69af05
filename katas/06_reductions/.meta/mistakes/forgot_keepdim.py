"""Takes the row maxima without keepdim: the (N,) maxima line up with the columns, so a square
matrix silently gets column j minus the maximum of row j."""

from solution import *


def subtract_row_max(x):
    return x - x.max(dim=1).values
