"""Kata 34: convolution arithmetic.

Fill in every function below; `katas/34_conv_arithmetic/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/34_conv_arithmetic
"""

import math
from collections.abc import Sequence


def conv_output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Task 1. Output length of nn.Conv1d/2d/3d along one dimension of length `size`.

    conv_output_size(32, 3, stride=2, padding=1) -> 16
    """
    raise NotImplementedError(
        "Task 1: how many inputs does the dilated window span, and how many start positions fit in "
        "the padded length?"
    )


def pool_output_size(
    size: int,
    kernel: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Task 2. Output length of nn.MaxPool1d/2d along one dimension. `stride` defaults to
    `kernel`. With ceil_mode the division rounds up, but a window may not start in the right
    padding (past size + padding - 1): such a last window is dropped.

    pool_output_size(5, 2, ceil_mode=True) -> 3
    """
    raise NotImplementedError(
        "Task 2: like Task 1 with stride defaulting to kernel; ceil_mode rounds up, but not into "
        "the right padding"
    )


def conv_transpose_output_size(
    size: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Task 3. Output length of nn.ConvTranspose1d/2d along one dimension.

    conv_transpose_output_size(16, 3, stride=2, padding=1, output_padding=1) -> 32
    """
    raise NotImplementedError(
        "Task 3: undo Task 1's formula: (size - 1) strides, minus padding, plus the window span and "
        "output_padding"
    )


def output_padding_for(
    target: int, size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Task 4. The output_padding that makes a transposed convolution with these settings turn
    length `size` back into length `target` (say, the input length of the strided conv that
    made `size`). Raise ValueError when no output_padding in 0..max(stride, dilation) - 1 does it.

    output_padding_for(32, 16, 3, stride=2, padding=1) -> 1
    """
    raise NotImplementedError(
        "Task 4: the shortfall between target and the transposed size without output_padding"
    )


def receptive_field(layers: Sequence[tuple[int, int, int]]) -> int:
    """Task 5. The receptive field, in input pixels along one dimension, of one output unit of
    a stack of convolutions/poolings given as (kernel, stride, dilation) from input to output.

    receptive_field([(3, 1, 1), (3, 1, 1)]) -> 5;  receptive_field([(2, 2, 1), (3, 1, 1)]) -> 6
    """
    raise NotImplementedError(
        "Task 5: each layer widens the field by its span, measured in input pixels"
    )
