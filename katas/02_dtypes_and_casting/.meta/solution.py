"""Kata 02: dtypes and casting.

Fill in every function below; `katas/02_dtypes_and_casting/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/02_dtypes_and_casting
"""

import torch

# From the cheapest to the most expensive: the order smallest_exact_dtype tries them in.
FLOAT_DTYPES = (torch.bfloat16, torch.float16, torch.float32, torch.float64)


def result_dtype(tensor: torch.Tensor, other: torch.Tensor | float | int | bool) -> torch.dtype:
    """Task 1. The dtype PyTorch gives `tensor + other`, without computing the sum.

    `other` is a tensor (any shape, zero-dimensional included) or a Python bool, int or float.
    result_dtype(torch.tensor([1, 2], dtype=torch.int32), 2.5) -> torch.float32
    """
    # BEGIN SOLUTION: Task 1: PyTorch has a function that applies the promotion rules for you
    return torch.result_type(tensor, other)
    # END SOLUTION


def brighten(image: torch.Tensor, amount: int) -> torch.Tensor:
    """Task 2. Add `amount` (may be negative) to every pixel of a uint8 image, saturating:
    results above 255 become 255, below 0 become 0. Returns uint8, same shape.

    brighten(torch.tensor([10, 200], dtype=torch.uint8), 100) -> tensor([110, 255], dtype=torch.uint8)
    """
    # BEGIN SOLUTION: Task 2: uint8 wraps around (200 + 100 == 44); add in a wider dtype, clamp, cast back
    wide = image.to(torch.int16) + amount  # int16 holds 0 - 255 and 255 + 255
    return wide.clamp(0, 255).to(torch.uint8)
    # END SOLUTION


def floor_divmod(a: torch.Tensor, b: torch.Tensor | int) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 3. Integer division like Python's divmod: (a // b, a % b), elementwise, in a's integer
    dtype. The quotient rounds towards minus infinity and the remainder has the sign of b, so
    a == b * quotient + remainder always holds, negatives included.

    floor_divmod(torch.tensor([7, -7]), 2) -> (tensor([3, -4]), tensor([1, 1]))
    """
    # BEGIN SOLUTION: Task 3: `/` always gives floats; integer floor division and remainder follow Python's rules
    quotient = torch.div(a, b, rounding_mode="floor")
    remainder = torch.remainder(a, b)
    return quotient, remainder
    # END SOLUTION


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Task 3. The fraction of predictions equal to their label, as a float32 scalar tensor.

    predictions, labels: (N,) int64 class indices.
    accuracy(torch.tensor([1, 0, 2]), torch.tensor([1, 1, 2])) -> tensor(0.6667)
    """
    # BEGIN SOLUTION: Task 3: count the matches, then divide with true division
    correct = (predictions == labels).sum()  # int64 count
    return correct / labels.numel()  # true division: int64 / int -> float32
    # END SOLUTION


def rms(x: torch.Tensor) -> torch.Tensor:
    """Task 4. The root mean square sqrt(mean(x ** 2)) of a float16 or bfloat16 tensor, returned
    as a scalar tensor of x's dtype. It must be right when the squares do not fit in x's dtype:
    300 ** 2 overflows float16 (largest value 65504) and 1e-4 ** 2 underflows to 0.

    rms(torch.full((4,), 300.0, dtype=torch.float16)) -> tensor(300., dtype=torch.float16)
    """
    # BEGIN SOLUTION: Task 4: do the arithmetic in a wider dtype, cast only the result back
    x32 = x.to(torch.float32)
    return x32.pow(2).mean().sqrt().to(x.dtype)
    # END SOLUTION


def smallest_exact_dtype(x: torch.Tensor) -> torch.dtype:
    """Task 5. The first of bfloat16, float16, float32, float64 (FLOAT_DTYPES) that holds every
    value of the float64 tensor `x` exactly: casting to it and back gives x again.

    smallest_exact_dtype(torch.tensor([0.5, 256.0], dtype=torch.float64)) -> torch.bfloat16
    smallest_exact_dtype(torch.tensor([257.0], dtype=torch.float64)) -> torch.float16
    """
    # BEGIN SOLUTION: Task 5: try each dtype in order; a round trip shows both overflow and rounding
    for dtype in FLOAT_DTYPES:
        if torch.equal(x.to(dtype).to(x.dtype), x):
            return dtype
    return torch.float64
    # END SOLUTION
