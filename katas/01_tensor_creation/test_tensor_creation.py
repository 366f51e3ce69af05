import numpy as np
import pytest
import torch
from tensor_creation import (
    copy_from_numpy,
    count_up,
    evenly_spaced,
    filled,
    identity,
    view_of_numpy,
    zeros_like,
    zeros_on,
)

from kata_helpers import assert_new_storage, assert_same_storage, assert_tensor, call


@pytest.mark.parametrize(
    ("shape", "value", "dtype"),
    [((2, 3), 7.0, torch.float32), ((4,), -1, torch.int32), ((1, 2, 2), 0.5, torch.float64)],
    ids=["2x3-7.0-float32", "4--1-int32", "1x2x2-0.5-float64"],
)
def test_filled_gives_every_element_the_value_and_dtype(shape, value, dtype):
    expected = torch.tensor(value, dtype=dtype).repeat(shape)
    assert_tensor(filled(shape, value, dtype), expected, call=call("filled", shape, value, dtype))


def test_filled_default_dtype_is_float32_even_for_an_integer_value():
    assert_tensor(filled((2,), 3), torch.tensor([3.0, 3.0]), call=call("filled", (2,), 3))


def test_filled_with_an_empty_shape_is_a_scalar():
    assert_tensor(filled((), 2.5), torch.tensor(2.5), call=call("filled", (), 2.5))


@pytest.mark.parametrize(
    ("args", "expected"),
    [((2, 10, 3), [2, 5, 8]), ((0, 5, 1), [0, 1, 2, 3, 4]), ((3, 3, 1), [])],
    ids=["2x10x3-[2,5,8]", "0x5x1-[0,1,2,3,4]", "3x3x1-[]"],
)
def test_count_up_excludes_stop_and_is_int64(args, expected):
    result = count_up(*args)
    assert_tensor(result, torch.tensor(expected, dtype=torch.int64), call=call("count_up", *args))


@pytest.mark.parametrize(
    ("start", "stop", "count"), [(0, 1, 5), (-2, 2, 3), (1, 1, 1), (0, 10, 11)]
)
def test_evenly_spaced_includes_both_ends(start, stop, count):
    expected = torch.tensor(
        [start + (stop - start) * i / max(count - 1, 1) for i in range(count)], dtype=torch.float32
    )
    result = evenly_spaced(start, stop, count)
    assert_tensor(result, expected, call=call("evenly_spaced", start, stop, count))


@pytest.mark.parametrize(
    ("n", "dtype"),
    [(1, torch.float32), (3, torch.float32), (4, torch.int64)],
    ids=["1-float32", "3-float32", "4-int64"],
)
def test_identity_has_ones_on_the_diagonal_only(n, dtype):
    expected = torch.tensor([[1 if i == j else 0 for j in range(n)] for i in range(n)], dtype=dtype)
    assert_tensor(identity(n, dtype), expected, call=call("identity", n, dtype))


@pytest.mark.parametrize(
    "dtype", [torch.float64, torch.int16, torch.bool], ids=["float64", "int16", "bool"]
)
def test_zeros_like_keeps_shape_and_dtype(dtype):
    reference = torch.ones(3, 2, dtype=dtype)
    expected = torch.tensor([[0, 0]] * 3, dtype=dtype)
    assert_tensor(zeros_like(reference), expected, call=call("zeros_like", reference))


@pytest.mark.parametrize("dtype", [np.float64, np.int32], ids=["float64", "int32"])
def test_copy_from_numpy_keeps_values_and_dtype_but_not_memory(dtype):
    array = np.arange(6, dtype=dtype).reshape(2, 3)
    result = copy_from_numpy(array)
    expected = torch.arange(6).reshape(2, 3).to(torch.from_numpy(array).dtype)
    assert_tensor(result, expected, call=call("copy_from_numpy", array))
    array[0, 0] = 100
    assert result[0, 0] == 0, (
        "copy_from_numpy(array) follows the array: after array[0, 0] = 100 the tensor changed "
        "too, so it shares memory instead of holding a copy."
    )


def test_view_of_numpy_shares_memory_both_ways():
    array = np.zeros((2, 2), dtype=np.float32)
    result = view_of_numpy(array)
    assert_tensor(result, torch.zeros(2, 2), call=call("view_of_numpy", array))
    array[0, 1] = 5.0
    assert result[0, 1] == 5.0, (
        "view_of_numpy(array) returned a copy: after array[0, 1] = 5 the tensor still holds 0."
    )
    result[1, 0] = -3.0
    assert array[1, 0] == -3.0, "writing to the tensor did not change the array: it is a copy"


def test_copy_and_view_are_distinct_storage():
    source = torch.arange(4)
    assert_new_storage(copy_from_numpy(source.numpy()), source, call="copy_from_numpy(t.numpy())")
    assert_same_storage(view_of_numpy(source.numpy()), source, call="view_of_numpy(t.numpy())")


def test_zeros_on_the_cpu_are_float32_zeros():
    expected = torch.zeros(2, 3)
    assert_tensor(zeros_on((2, 3), "cpu"), expected, call=call("zeros_on", (2, 3), "cpu"))


@pytest.mark.gpu
def test_zeros_on_the_accelerator_are_created_there(device):
    result = zeros_on((2, 3), device)
    expected = torch.zeros(2, 3, device=device)
    assert_tensor(result, expected, call=call("zeros_on", (2, 3), device))


@pytest.mark.gpu
def test_zeros_like_keeps_the_accelerator_device(device):
    reference = torch.ones(4, device=device)
    expected = torch.zeros(4, device=device)
    assert_tensor(zeros_like(reference), expected, call=call("zeros_like", reference))


def test_zeros_like_keeps_the_device_on_any_machine():
    # The "meta" device holds shapes and dtypes but no data: every machine has it.
    reference = torch.ones(3, 4, dtype=torch.float64, device="meta")
    result = zeros_like(reference)
    assert isinstance(result, torch.Tensor) and result.device.type == "meta", (
        f"{call('zeros_like', reference)} returned a tensor on "
        f"{getattr(result, 'device', type(result).__name__)}, expected one on the reference's "
        f"device (meta): take the device from the reference too"
    )
    assert (result.shape, result.dtype) == (reference.shape, reference.dtype), (
        f"{call('zeros_like', reference)} returned shape {tuple(result.shape)} dtype "
        f"{result.dtype}, expected (3, 4) torch.float64"
    )


def test_zeros_on_creates_the_tensor_on_the_given_device_on_any_machine():
    result = zeros_on((2, 3), "meta")
    assert isinstance(result, torch.Tensor) and result.device.type == "meta", (
        f"{call('zeros_on', (2, 3), 'meta')} returned a tensor on "
        f"{getattr(result, 'device', type(result).__name__)}, expected one on meta: pass "
        f"device=... to the factory"
    )
    assert (tuple(result.shape), result.dtype) == ((2, 3), torch.float32), (
        f"{call('zeros_on', (2, 3), 'meta')} returned shape {tuple(result.shape)} dtype "
        f"{result.dtype}, expected (2, 3) torch.float32"
    )
