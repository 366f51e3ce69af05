"""Loads the padding columns as 0 instead of -inf: each adds exp(0 - max) to the sum, so rows
whose width is not a power of two come out too small."""

from solution import *


@triton.jit
def softmax_kernel(
    out_ptr, in_ptr, in_row_stride, out_row_stride, n_cols, BLOCK_SIZE: tl.constexpr
):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_SIZE)
    inside = cols < n_cols
    x = tl.load(in_ptr + row * in_row_stride + cols, mask=inside, other=0.0)
    numerator = tl.exp(x - tl.max(x, axis=0))
    tl.store(
        out_ptr + row * out_row_stride + cols, numerator / tl.sum(numerator, axis=0), mask=inside
    )


def softmax(x):
    n_rows, n_cols = x.shape
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    softmax_kernel[(n_rows,)](
        out, x, x.stride(0), out.stride(0), n_cols, BLOCK_SIZE=triton.next_power_of_2(n_cols)
    )
    return out
