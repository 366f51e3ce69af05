"""Describes the device with str(a.device): "cuda:0" on a GPU, so measurements from cuda:0 and
cuda:1 land in different columns of the table, and none reads "cuda"."""

from solution import *


def matmul_timer(a, b):
    rows, inner = a.shape
    cols = b.shape[1]
    return benchmark.Timer(
        stmt="a @ b",
        globals={"a": a, "b": b},
        label="matmul",
        sub_label=f"{rows}x{inner}x{cols}",
        description=str(a.device),
    )
