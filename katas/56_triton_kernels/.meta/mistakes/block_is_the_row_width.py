"""Uses the row width itself as the block size: tl.arange needs a power of two, so any other
width fails."""

from solution import *


def softmax(x):
    n_rows, n_cols = x.shape
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    softmax_kernel[(n_rows,)](out, x, x.stride(0), out.stride(0), n_cols, BLOCK_SIZE=n_cols)
    return out
