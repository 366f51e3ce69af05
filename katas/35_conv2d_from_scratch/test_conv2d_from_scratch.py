import math

import pytest
import torch
from conv2d_from_scratch import Conv2dFromScratch, conv2d_grouped, conv2d_unfold
from torch import nn
from torch.nn import functional as F

from kata_helpers import assert_tensor, call, case_id


def make_inputs(n, c_in, c_out, h, w, kernel, groups=1, seed=0):
    gen = torch.Generator().manual_seed(seed)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    x = torch.randn(n, c_in, h, w, generator=gen, dtype=torch.float64)
    weight = torch.randn(c_out, c_in // groups, kh, kw, generator=gen, dtype=torch.float64)
    bias = torch.randn(c_out, generator=gen, dtype=torch.float64)
    return x, weight, bias


UNFOLD_CASES = [
    # n, c_in, c_out, h, w, kernel, stride, padding, dilation
    (2, 3, 4, 8, 8, 3, 1, 0, 1),
    (1, 1, 1, 5, 5, 3, 1, 1, 1),
    (2, 3, 5, 9, 7, 3, 2, 1, 1),
    (3, 2, 4, 6, 10, (3, 2), (1, 2), (0, 1), 1),
    (1, 4, 2, 11, 11, 3, 1, 2, 2),
    (2, 3, 6, 12, 9, (2, 3), 2, 1, (2, 1)),
    (2, 5, 3, 4, 4, 1, 1, 0, 1),
    (1, 2, 3, 3, 3, 3, 1, 0, 1),
]


@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize(
    ("n", "c_in", "c_out", "h", "w", "kernel", "stride", "padding", "dilation"),
    UNFOLD_CASES,
    ids=[case_id(c) for c in UNFOLD_CASES],
)
def test_conv2d_unfold_equals_f_conv2d(
    n, c_in, c_out, h, w, kernel, stride, padding, dilation, with_bias
):
    x, weight, bias = make_inputs(n, c_in, c_out, h, w, kernel)
    bias = bias if with_bias else None
    expected = F.conv2d(x, weight, bias, stride, padding, dilation)
    result = conv2d_unfold(x, weight, bias, stride, padding, dilation)
    what = call("conv2d_unfold", x, weight, bias, stride=stride, padding=padding, dilation=dilation)
    assert_tensor(result, expected, call=what, atol=1e-10)


def test_conv2d_unfold_keeps_float32_and_matches_with_float32_tolerance():
    x, weight, bias = (t.float() for t in make_inputs(2, 3, 4, 7, 7, 3))
    expected = F.conv2d(x, weight, bias, 2, 1)
    assert_tensor(
        conv2d_unfold(x, weight, bias, 2, 1),
        expected,
        call=call("conv2d_unfold", x, weight, bias, 2, 1),
        atol=1e-5,
        rtol=1e-5,
    )


GROUP_CASES = [
    # n, c_in, c_out, h, w, kernel, stride, padding, groups
    (2, 4, 6, 7, 7, 3, 1, 1, 1),
    (2, 4, 6, 7, 7, 3, 1, 1, 2),
    (1, 6, 6, 8, 5, 3, 2, 1, 3),
    (2, 4, 4, 6, 6, 3, 1, 1, 4),  # depthwise
    (2, 3, 6, 9, 9, (3, 1), (2, 1), (1, 0), 3),  # depthwise with 2 filters per channel
    (1, 8, 4, 5, 6, 1, 1, 0, 4),
]


@pytest.mark.parametrize(
    ("n", "c_in", "c_out", "h", "w", "kernel", "stride", "padding", "groups"),
    GROUP_CASES,
    ids=[case_id(c) for c in GROUP_CASES],
)
def test_conv2d_grouped_equals_f_conv2d_with_groups(
    n, c_in, c_out, h, w, kernel, stride, padding, groups
):
    x, weight, bias = make_inputs(n, c_in, c_out, h, w, kernel, groups)
    expected = F.conv2d(x, weight, bias, stride, padding, groups=groups)
    result = conv2d_grouped(x, weight, bias, stride, padding, groups)
    what = call("conv2d_grouped", x, weight, bias, stride=stride, padding=padding, groups=groups)
    assert_tensor(result, expected, call=what, atol=1e-10)


def test_conv2d_grouped_without_bias():
    x, weight, _ = make_inputs(2, 6, 4, 5, 5, 3, groups=2)
    expected = F.conv2d(x, weight, None, 1, 0, groups=2)
    assert_tensor(
        conv2d_grouped(x, weight, None, 1, 0, 2),
        expected,
        call=call("conv2d_grouped", x, weight, None, 1, 0, groups=2),
    )


def test_conv2d_grouped_gradients_equal_those_of_f_conv2d():
    x, weight, bias = make_inputs(2, 4, 6, 6, 5, 3, groups=2)
    upstream = torch.randn(2, 6, 3, 3, dtype=torch.float64)  # any gradient from above
    inputs = [t.requires_grad_() for t in (x, weight, bias)]
    expected = torch.autograd.grad(F.conv2d(*inputs, 2, 1, groups=2), inputs, upstream)
    result = conv2d_grouped(*inputs, 2, 1, 2)
    grads = torch.autograd.grad(result, inputs, upstream)
    for name, grad, want in zip(("x", "weight", "bias"), grads, expected, strict=True):
        assert_tensor(
            grad, want, call=f"the gradient of conv2d_grouped(...) for {name}", atol=1e-10
        )


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((3, 6, 3), {}),
        ((4, 8, (3, 5)), {"stride": 2, "padding": (1, 2)}),
        ((4, 4, 3), {"groups": 4, "padding": 1}),
        ((6, 4, 1), {"groups": 2, "bias": False}),
    ],
    ids=[
        "3x6x3-defaults",
        "(4,8,(3,5))-stride=2,padding=1x2",
        "4x4x3-groups=4,padding=1",
        "6x4x1-groups=2,bias=False",
    ],
)
def test_conv2d_from_scratch_is_a_drop_in_for_nn_conv2d(args, kwargs):
    reference = nn.Conv2d(*args, **kwargs)
    module = Conv2dFromScratch(*args, **kwargs)
    what = f"Conv2dFromScratch{args + tuple(f'{k}={v}' for k, v in kwargs.items())}"
    expected_shapes = {k: tuple(v.shape) for k, v in reference.state_dict().items()}
    shapes = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    assert shapes == expected_shapes, (
        f"{what}.state_dict() has {shapes}, expected nn.Conv2d's {expected_shapes}"
    )
    assert {k for k, _ in module.named_parameters()} == set(expected_shapes), (
        f"{what}: weight (and bias) must be nn.Parameters, so the optimizer finds them"
    )
    module.load_state_dict(reference.state_dict())
    x = torch.randn(2, args[0], 9, 8)
    with torch.no_grad():
        assert_tensor(
            module(x), reference(x), call=f"{what}(x) with nn.Conv2d's weights", atol=1e-5
        )


def test_conv2d_from_scratch_is_initialised_like_nn_conv2d():
    module = Conv2dFromScratch(16, 64, 3, groups=2)
    bound = 1 / math.sqrt(8 * 3 * 3)  # nn.Conv2d: uniform within +-1/sqrt(fan_in)
    for name in ("weight", "bias"):
        values = getattr(module, name).detach()
        assert values.abs().max() <= bound and values.abs().max() > 0.8 * bound, (
            f"Conv2dFromScratch(16, 64, 3, groups=2).{name} lies within +-{values.abs().max():.4f}, "
            f"expected uniform values within +-1/sqrt(fan_in) = +-{bound:.4f} "
            f"(fan_in = in_channels / groups * kH * kW), as nn.Conv2d"
        )
    assert abs(module.weight.std().item() - bound / math.sqrt(3)) < 0.1 * bound, (
        "Conv2dFromScratch's weight does not look uniform within +-1/sqrt(fan_in)"
    )
