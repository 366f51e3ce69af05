"""Uses expand where independent rows were needed: every row is the same memory, so writing to
one row writes to all of them and to the original."""

from solution import *


def repeat_rows(row, n):
    return row.expand(n, -1)
