"""Steps from row to row by the row width instead of the row stride: right for contiguous
input, wrong for a slice of a wider tensor."""

from solution import *


def softmax(x):
    n_rows, n_cols = x.shape
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    softmax_kernel[(n_rows,)](
        out, x, n_cols, n_cols, n_cols, BLOCK_SIZE=triton.next_power_of_2(n_cols)
    )
    return out
