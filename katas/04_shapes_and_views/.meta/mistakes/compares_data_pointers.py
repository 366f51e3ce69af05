"""Compares data_ptr(), the address of each tensor's first element: a view that starts further
in (x[1:]) has another address though it shares x's memory."""

from solution import *


def shares_memory(a, b):
    return a.data_ptr() == b.data_ptr()
