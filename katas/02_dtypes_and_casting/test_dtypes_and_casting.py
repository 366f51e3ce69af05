import pytest
import torch
from dtypes_and_casting import (
    accuracy,
    brighten,
    floor_divmod,
    result_dtype,
    rms,
    smallest_exact_dtype,
)

from kata_helpers import assert_equal, assert_tensor, call


def t(values, dtype):
    return torch.tensor(values, dtype=dtype)


@pytest.mark.parametrize(
    ("tensor", "other", "expected"),
    [
        (t([1, 2], torch.int32), t([1, 2], torch.int64), torch.int64),
        (t([1, 2], torch.uint8), t([1, 2], torch.int8), torch.int16),
        (t([1.0], torch.float16), t([1.0], torch.float64), torch.float64),
        (t([1, 2], torch.int64), t([1.0], torch.float16), torch.float16),
    ],
    ids=[
        "t([1,2],int32)-t([1,2],int64)-int64",
        "t([1,2],uint8)-t([1,2],int8)-int16",
        "t([1.0],float16)-t([1.0],float64)-float64",
        "t([1,2],int64)-t([1.0],float16)-float16",
    ],
)
def test_result_dtype_of_two_tensors_is_the_wider_kind(tensor, other, expected):
    assert_equal(result_dtype(tensor, other), expected, call=call("result_dtype", tensor, other))


@pytest.mark.parametrize(
    ("tensor", "other", "expected"),
    [
        (t([1, 2], torch.int32), 2.5, torch.float32),
        (t([1, 2], torch.int64), 2.5, torch.float32),
        (t([1, 2], torch.uint8), 1000, torch.uint8),
        (t([1, 2], torch.int32), True, torch.int32),
        (t([True], torch.bool), 1, torch.int64),
        (t([1.0], torch.float16), 1e3, torch.float16),
    ],
    ids=[
        "t([1,2],int32)-2.5-float32",
        "t([1,2],int64)-2.5-float32",
        "t([1,2],uint8)-1000-uint8",
        "t([1,2],int32)-True-int32",
        "t([True],bool)-1-int64",
        "t([1.0],float16)-1000.0-float16",
    ],
)
def test_result_dtype_with_a_python_number_keeps_the_tensor_dtype_within_its_kind(
    tensor, other, expected
):
    assert_equal(result_dtype(tensor, other), expected, call=call("result_dtype", tensor, other))


@pytest.mark.parametrize(
    ("tensor", "other", "expected"),
    [
        (t([1.0], torch.float16), torch.tensor(1.0, dtype=torch.float64), torch.float16),
        (t([1, 2], torch.uint8), torch.tensor(7, dtype=torch.int64), torch.uint8),
        (t([1, 2], torch.int32), torch.tensor(0.5, dtype=torch.float64), torch.float64),
    ],
    ids=[
        "t([1.0],float16)-tensor(1.0,dtype=float64)-float16",
        "t([1,2],uint8)-tensor(7,dtype=int64)-uint8",
        "t([1,2],int32)-tensor(0.5,dtype=float64)-float64",
    ],
)
def test_result_dtype_with_a_zero_dim_tensor_widens_only_to_a_new_kind(tensor, other, expected):
    assert_equal(result_dtype(tensor, other), expected, call=call("result_dtype", tensor, other))


def test_brighten_adds_to_every_pixel():
    image = torch.arange(0, 120, 10, dtype=torch.uint8).reshape(3, 4)
    expected = torch.arange(5, 125, 10, dtype=torch.uint8).reshape(3, 4)
    assert_tensor(brighten(image, 5), expected, call=call("brighten", image, 5))


def test_brighten_saturates_at_255_instead_of_wrapping_around():
    image = t([10, 200, 250, 255], torch.uint8)
    expected = t([110, 255, 255, 255], torch.uint8)
    assert_tensor(brighten(image, 100), expected, call=call("brighten", image, 100))


def test_brighten_by_a_negative_amount_saturates_at_0():
    image = t([[0, 30], [60, 255]], torch.uint8)
    expected = t([[0, 0], [10, 205]], torch.uint8)
    assert_tensor(brighten(image, -50), expected, call=call("brighten", image, -50))


def test_brighten_by_the_full_range_leaves_no_pixel_out_of_range():
    image = torch.arange(256, dtype=torch.uint8)
    assert_tensor(
        brighten(image, 255),
        torch.full((256,), 255, dtype=torch.uint8),
        call="brighten(0..255, 255)",
    )
    assert_tensor(
        brighten(image, -255), torch.zeros(256, dtype=torch.uint8), call="brighten(0..255, -255)"
    )


def _python_divmod(a, b):
    pairs = [divmod(x, y) for x, y in zip(a, b, strict=True)]
    return [q for q, _ in pairs], [r for _, r in pairs]


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32], ids=["int64", "int32"])
def test_floor_divmod_matches_python_with_negative_numbers(dtype):
    a_list, b_list = [7, -7, 7, -7, 0, 9, -1], [2, 2, -2, -2, 3, 3, 5]
    a, b = t(a_list, dtype), t(b_list, dtype)
    quotient, remainder = floor_divmod(a, b)
    want_q, want_r = _python_divmod(a_list, b_list)
    assert_tensor(quotient, t(want_q, dtype), call=call("floor_divmod", a, b) + "[0] (quotient)")
    assert_tensor(remainder, t(want_r, dtype), call=call("floor_divmod", a, b) + "[1] (remainder)")


def test_floor_divmod_by_a_python_int_broadcasts():
    a = torch.arange(-6, 6).reshape(3, 4)
    quotient, remainder = floor_divmod(a, 4)
    want_q, want_r = _python_divmod(a.flatten().tolist(), [4] * 12)
    assert_tensor(quotient, torch.tensor(want_q).reshape(3, 4), call=call("floor_divmod", a, 4))
    assert_tensor(remainder, torch.tensor(want_r).reshape(3, 4), call=call("floor_divmod", a, 4))


def test_floor_divmod_is_exact_for_large_int64_values():
    a_list, b_list = [2**40 + 1, 2**53 + 3, -(2**33) - 1], [1, 2, 7]
    a, b = t(a_list, torch.int64), t(b_list, torch.int64)
    quotient, remainder = floor_divmod(a, b)
    want_q, want_r = _python_divmod(a_list, b_list)
    assert_tensor(quotient, t(want_q, torch.int64), call=call("floor_divmod", a, b) + "[0]")
    assert_tensor(remainder, t(want_r, torch.int64), call=call("floor_divmod", a, b) + "[1]")


@pytest.mark.parametrize(
    ("predictions", "labels", "expected"),
    [
        ([1, 0, 2], [1, 1, 2], 2 / 3),
        ([3, 3, 3, 3], [3, 3, 3, 3], 1.0),
        ([0, 1], [1, 0], 0.0),
        ([5], [5], 1.0),
    ],
    ids=["[1,0,2]-[1,1,2]-2/3", "[3,3,3,3]-[3,3,3,3]-1.0", "[0,1]-[1,0]-0.0", "[5]-[5]-1.0"],
)
def test_accuracy_is_a_float32_fraction(predictions, labels, expected):
    predictions, labels = torch.tensor(predictions), torch.tensor(labels)
    assert_tensor(
        accuracy(predictions, labels),
        torch.tensor(expected, dtype=torch.float32),
        call=call("accuracy", predictions, labels),
    )


def test_accuracy_of_many_predictions():
    generator = torch.Generator().manual_seed(2)
    predictions = torch.randint(0, 4, (1000,), generator=generator)
    labels = torch.randint(0, 4, (1000,), generator=generator)
    expected = sum(int(p == y) for p, y in zip(predictions, labels, strict=True)) / 1000
    assert_tensor(
        accuracy(predictions, labels),
        torch.tensor(expected, dtype=torch.float32),
        call=call("accuracy", predictions, labels),
    )


def _rms64(x):
    return x.double().pow(2).mean().sqrt()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
def test_rms_of_ordinary_values_keeps_the_dtype(dtype):
    x = torch.randn(5, 7, generator=torch.Generator().manual_seed(1)).to(dtype)
    assert_tensor(rms(x), _rms64(x).to(dtype), call=call("rms", x))


def test_rms_in_float16_does_not_overflow_when_the_squares_would():
    x = torch.tensor([300.0, -300.0, 300.0, 400.0], dtype=torch.float16)
    assert_tensor(rms(x), _rms64(x).to(torch.float16), call=call("rms", x))


def test_rms_in_float16_does_not_underflow_when_the_squares_would():
    x = torch.full((3, 2), 1e-4, dtype=torch.float16)
    assert_tensor(rms(x), _rms64(x).to(torch.float16), call=call("rms", x))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.5, 1.0, 256.0, -3.0], torch.bfloat16),
        ([2.0**100, -(2.0**-100)], torch.bfloat16),
        ([257.0], torch.float16),
        ([1.0 + 2**-10, 2048.0], torch.float16),
        ([1.0 + 2**-10, 2.0**-20], torch.float16),
        ([1.0 + 2**-10, 2.0**-30], torch.float32),
        ([100_000.0], torch.float32),
        ([2.0**24 + 2, 2.0**-30], torch.float32),
        ([2.0**24 + 1], torch.float64),
        ([0.1], torch.float64),
    ],
    ids=[
        "[0.5,1.0,256.0,-3.0]-bfloat16",
        "[2.0**100,-2.0**(-100)]-bfloat16",
        "[257.0]-float16",
        "[1.0+2**(-10),2048.0]-float16",
        "[1.0+2**(-10),2.0**(-20)]-float16",
        "[1.0+2**(-10),2.0**(-30)]-float32",
        "[100000.0]-float32",
        "[2.0**24+2,2.0**(-30)]-float32",
        "[2.0**24+1]-float64",
        "[0.1]-float64",
    ],
)
def test_smallest_exact_dtype_finds_the_cheapest_lossless_dtype(values, expected):
    x = torch.tensor(values, dtype=torch.float64)
    assert_equal(smallest_exact_dtype(x), expected, call=call("smallest_exact_dtype", x))
