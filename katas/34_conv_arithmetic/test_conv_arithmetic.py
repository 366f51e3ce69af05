import pytest
import torch
from conv_arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    output_padding_for,
    pool_output_size,
    receptive_field,
)
from torch import nn

from kata_helpers import assert_equal, call


def length_after(layer: nn.Module, size: int) -> int:
    """What the real layer does to a 1-D signal of this length."""
    with torch.no_grad():
        return layer(torch.zeros(1, 1, size)).shape[-1]


CONV_CASES = [
    # size, kernel, stride, padding, dilation
    (32, 3, 1, 1, 1),
    (32, 3, 2, 1, 1),
    (7, 3, 2, 0, 1),
    (28, 5, 1, 0, 1),
    (10, 3, 1, 2, 2),
    (17, 3, 3, 1, 4),
    (5, 5, 1, 0, 1),
    (1, 1, 1, 0, 1),
    (9, 2, 4, 3, 3),
    (224, 7, 2, 3, 1),
]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), CONV_CASES)
def test_conv_output_size_matches_nn_conv1d(size, kernel, stride, padding, dilation):
    layer = nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
    expected = length_after(layer, size)
    result = conv_output_size(size, kernel, stride, padding, dilation)
    assert_equal(
        result, expected, call=call("conv_output_size", size, kernel, stride, padding, dilation)
    )


def test_conv_output_size_gives_each_dimension_of_a_conv2d():
    layer = nn.Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    expected = tuple(layer(torch.zeros(1, 3, 15, 20)).shape[-2:])
    result = (conv_output_size(15, 3, 2, 1, 1), conv_output_size(20, 5, 1, 2, 2))
    assert result == expected, (
        f"Conv2d(kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2)) on a 15x20 "
        f"image gives {expected}; conv_output_size per dimension gave {result}"
    )


POOL_CASES = [
    # size, kernel, stride, padding, dilation, ceil_mode
    (8, 2, None, 0, 1, False),
    (7, 2, None, 0, 1, False),
    (7, 2, None, 0, 1, True),
    (5, 2, 2, 1, 1, True),
    (6, 3, 2, 1, 1, True),
    (10, 3, 2, 1, 2, True),
    (10, 3, 2, 1, 2, False),
    (13, 4, 3, 2, 1, True),
    (3, 3, 1, 0, 1, True),
]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation", "ceil_mode"), POOL_CASES
)
def test_pool_output_size_matches_nn_maxpool1d(size, kernel, stride, padding, dilation, ceil_mode):
    layer = nn.MaxPool1d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    expected = length_after(layer, size)
    result = pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    what = call("pool_output_size", size, kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    assert_equal(result, expected, call=what)


TRANSPOSE_CASES = [
    # size, kernel, stride, padding, output_padding, dilation
    (16, 3, 2, 1, 1, 1),
    (16, 3, 2, 1, 0, 1),
    (4, 4, 2, 1, 0, 1),
    (5, 3, 1, 0, 0, 1),
    (7, 3, 3, 2, 2, 1),
    (6, 3, 1, 1, 0, 2),
    (6, 3, 2, 2, 1, 3),
    (1, 2, 2, 0, 0, 1),
]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "output_padding", "dilation"), TRANSPOSE_CASES
)
def test_conv_transpose_output_size_matches_nn_conv_transpose1d(
    size, kernel, stride, padding, output_padding, dilation
):
    layer = nn.ConvTranspose1d(
        1, 1, kernel, stride, padding, output_padding=output_padding, dilation=dilation
    )
    expected = length_after(layer, size)
    result = conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation)
    what = call(
        "conv_transpose_output_size", size, kernel, stride, padding, output_padding, dilation
    )
    assert_equal(result, expected, call=what)


# A transposed convolution cannot undo padding wider than its kernel's span.
UNDO_CASES = [c for c in CONV_CASES if 2 * c[3] <= c[4] * (c[1] - 1)]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), UNDO_CASES)
def test_output_padding_for_lets_a_transposed_conv_undo_the_conv(
    size, kernel, stride, padding, dilation
):
    down = length_after(nn.Conv1d(1, 1, kernel, stride, padding, dilation), size)
    result = output_padding_for(size, down, kernel, stride, padding, dilation)
    what = call("output_padding_for", size, down, kernel, stride, padding, dilation)
    assert isinstance(result, int) and 0 <= result < max(stride, dilation), (
        f"{what} returned {result!r}: output_padding must be an int in 0..max(stride, dilation) - 1"
    )
    up = nn.ConvTranspose1d(1, 1, kernel, stride, padding, output_padding=result, dilation=dilation)
    assert length_after(up, down) == size, (
        f"{what} returned {result}, but ConvTranspose1d with output_padding={result} turns length "
        f"{down} into {length_after(up, down)}, not {size}"
    )


@pytest.mark.parametrize(
    ("target", "size", "kernel", "stride", "padding", "dilation"),
    [(10, 5, 3, 1, 0, 2), (11, 4, 2, 1, 0, 4), (13, 4, 3, 2, 1, 3)],
)
def test_output_padding_for_goes_up_to_the_dilation_when_it_exceeds_the_stride(
    target, size, kernel, stride, padding, dilation
):
    # nn.ConvTranspose1d accepts an output_padding smaller than the stride OR the dilation.
    result = output_padding_for(target, size, kernel, stride, padding, dilation)
    what = call("output_padding_for", target, size, kernel, stride, padding, dilation)
    assert isinstance(result, int), f"{what} returned {result!r}, expected an int"
    up = nn.ConvTranspose1d(1, 1, kernel, stride, padding, output_padding=result, dilation=dilation)
    assert length_after(up, size) == target, (
        f"{what} returned {result}, but ConvTranspose1d with output_padding={result} turns length "
        f"{size} into {length_after(up, size)}, not {target}"
    )


@pytest.mark.parametrize(("target", "size"), [(40, 16), (20, 16), (33, 16)])
def test_output_padding_for_refuses_an_unreachable_length(target, size):
    # With stride 2 and dilation 1, output_padding can only be 0 or 1: 31 or 32 are reachable.
    what = call("output_padding_for", target, size, 3, 2, 1, 1)
    with pytest.raises(ValueError):
        result = output_padding_for(target, size, 3, 2, 1, 1)
        pytest.fail(
            f"{what} returned {result!r}, expected a ValueError: only output_padding 0 or 1 "
            f"(below max(stride, dilation) = 2) is allowed, giving 31 or 32"
        )


def measured_receptive_field(layers) -> int:
    """Stack 1-D convolutions of ones and see which inputs reach one output unit."""
    stack = nn.Sequential(
        *[nn.Conv1d(1, 1, k, stride=s, dilation=d, bias=False) for k, s, d in layers]
    )
    for conv in stack:
        nn.init.ones_(conv.weight)
    signal = torch.zeros(1, 1, 400, requires_grad=True)
    output = stack(signal)
    output[0, 0, output.shape[-1] // 2].backward()
    reached = signal.grad.flatten().nonzero().flatten()
    return int(reached[-1] - reached[0] + 1)


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1, 1)],
        [(3, 1, 1), (3, 1, 1)],
        [(2, 2, 1), (3, 1, 1)],
        [(3, 2, 1), (3, 2, 1), (3, 2, 1)],
        [(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)],
        [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
        [(5, 3, 2), (2, 2, 1), (3, 1, 3)],
    ],
    ids=[
        "[(3,1,1)]",
        "[(3,1,1),(3,1,1)]",
        "[(2,2,1),(3,1,1)]",
        "[(3,2,1),(3,2,1),(3,2,1)]",
        "[(7,2,1),(3,2,1),(3,1,1),(3,1,1)]",
        "[(3,1,1),(3,1,2),(3,1,4)]",
        "[(5,3,2),(2,2,1),(3,1,3)]",
    ],
)
def test_receptive_field_matches_what_reaches_one_output_unit(layers):
    expected = measured_receptive_field(layers)
    assert_equal(receptive_field(layers), expected, call=call("receptive_field", layers))
