"""Kata 56: Triton kernels.

Fill in every function below; `katas/56_triton_kernels/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/56_triton_kernels
"""

import os

import torch

# Triton compiles kernels for GPUs. Without a CUDA or ROCm GPU, its interpreter runs the same
# kernels on CPU tensors (with NumPy: slow, but exact enough to learn and test with). Triton
# reads TRITON_INTERPRET when it is first imported and when each kernel is decorated with
# @triton.jit, so it is set here, before both.
if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Task 1. One program adds one block of BLOCK_SIZE consecutive elements:
    out[i] = x[i] + y[i] for the indices i of block number tl.program_id(0), skipping the
    indices >= n_elements (the last block may stick out past the end)."""
    raise NotImplementedError(
        "Task 1: this program's offsets, a mask for the ones inside the tensor, load, add, store"
    )


def add(x: torch.Tensor, y: torch.Tensor, block_size: int = 1024) -> torch.Tensor:
    """Task 2. x + y computed by add_kernel: a new tensor on x's device, x's shape and dtype.

    x, y: contiguous tensors of the same shape, dtype and device, any number of elements.
    block_size: a power of two, the elements each program handles.
    """
    raise NotImplementedError("Task 2: one program per block, enough blocks to cover every element")


@triton.jit
def softmax_kernel(
    out_ptr, in_ptr, in_row_stride, out_row_stride, n_cols, BLOCK_SIZE: tl.constexpr
):
    """Task 3. One program computes the softmax of one whole row, row number tl.program_id(0),
    in one pass through memory (load once, store once): subtract the row's max, exponentiate,
    divide by the sum. BLOCK_SIZE is a power of two >= n_cols: the columns >= n_cols are
    padding and must change nothing."""
    raise NotImplementedError(
        "Task 3: load the row with padding that cannot win the max nor add to the sum"
    )


def softmax(x: torch.Tensor) -> torch.Tensor:
    """Task 4. torch.softmax(x, dim=1) computed by softmax_kernel, one program per row.

    x: (n_rows, n_cols) float32, any n_cols >= 1 (not only powers of two); the rows may be
    strided (x.stride(0) need not equal n_cols), the columns are contiguous (x.stride(1) == 1).
    Returns a new contiguous (n_rows, n_cols) tensor on x's device.
    """
    raise NotImplementedError(
        "Task 4: a block that holds a whole row, rounded up to a power of two"
    )
