"""Passes the input's row stride for the output too: right for contiguous input, but the
output is contiguous, so for strided rows the results land in the wrong places (or past the
output's end)."""

from solution import *


def softmax(x):
    n_rows, n_cols = x.shape
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    softmax_kernel[(n_rows,)](
        out, x, x.stride(0), x.stride(0), n_cols, BLOCK_SIZE=triton.next_power_of_2(n_cols)
    )
    return out
