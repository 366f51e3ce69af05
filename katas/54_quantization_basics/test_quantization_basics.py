import pytest
import torch
from quantization_basics import (
    QuantizedLinear,
    dequantize,
    int_accumulate,
    qparams,
    quantize,
)
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from kata_helpers import assert_equal, assert_tensor, call

EPS = torch.finfo(torch.float32).eps


def data(*shape, seed=0, scale=1.0, shift=0.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator) * scale + shift


def expected_qparams(x, symmetric, dim=None):
    """The scale and zero point of the README, written out for one slice at a time."""
    slices = [x] if dim is None else [x.select(dim, c) for c in range(x.shape[dim])]
    scales, zero_points = [], []
    for values in slices:
        if symmetric:
            scale = max(values.abs().max().item() / 127, EPS)
            zero_point = 0
        else:
            lo, hi = min(values.min().item(), 0.0), max(values.max().item(), 0.0)
            scale = max((hi - lo) / 255, EPS)
            zero_point = min(max(round(-128 - lo / scale), -128), 127)
        scales.append(scale)
        zero_points.append(zero_point)
    scale = torch.tensor(scales, dtype=torch.float32)
    zero_point = torch.tensor(zero_points, dtype=torch.int32)
    return (scale[0], zero_point[0]) if dim is None else (scale, zero_point)


def fake_quantize(x, scale, zero_point, dim=None):
    """PyTorch's quantize-then-dequantize, the reference for tasks 2 and 3."""
    if dim is None:
        return torch.fake_quantize_per_tensor_affine(x, scale, zero_point, -128, 127)
    return torch.fake_quantize_per_channel_affine(x, scale, zero_point, dim, -128, 127)


TENSORS = [
    pytest.param(data(6, 5, seed=1), id="centred"),
    pytest.param(data(6, 5, seed=2, scale=0.3, shift=2.0), id="all-positive"),
    pytest.param(data(6, 5, seed=3, scale=4.0, shift=-9.0), id="all-negative"),
]
MODES = [pytest.param(True, id="symmetric"), pytest.param(False, id="asymmetric")]


# Task 1: scale and zero point


@pytest.mark.parametrize("symmetric", MODES)
@pytest.mark.parametrize("x", TENSORS)
def test_qparams_per_tensor_follow_the_formulas(x, symmetric):
    scale, zero_point = qparams(x, symmetric=symmetric)
    expected_scale, expected_zero_point = expected_qparams(x, symmetric)
    where = call("qparams", x, symmetric=symmetric)
    assert_tensor(scale, expected_scale, call=where + "[0] (scale)")
    assert_tensor(zero_point, expected_zero_point, call=where + "[1] (zero_point)")


@pytest.mark.parametrize("dim", [pytest.param(0, id="dim0"), pytest.param(1, id="dim1")])
@pytest.mark.parametrize("symmetric", MODES)
def test_qparams_per_channel_use_each_channel_alone(symmetric, dim):
    x = data(4, 6, seed=4) * torch.tensor([0.1, 1.0, 10.0, 3.0, 0.5, 2.0])  # channels differ
    x[2, :] += 5.0
    scale, zero_point = qparams(x, symmetric=symmetric, dim=dim)
    expected_scale, expected_zero_point = expected_qparams(x, symmetric, dim)
    where = call("qparams", x, symmetric=symmetric, dim=dim)
    assert_tensor(scale, expected_scale, call=where + "[0] (scale)")
    assert_tensor(zero_point, expected_zero_point, call=where + "[1] (zero_point)")


@pytest.mark.parametrize("symmetric", MODES)
def test_qparams_of_an_all_zero_tensor_has_the_smallest_positive_scale(symmetric):
    x = torch.zeros(3, 4)
    scale, zero_point = qparams(x, symmetric=symmetric)
    where = call("qparams", x, symmetric=symmetric)
    assert_tensor(scale, torch.tensor(EPS), call=where + "[0] (scale)")
    q = quantize(x, scale, zero_point)
    assert_tensor(dequantize(q, scale, zero_point), x, call="dequantize(quantize(zeros))")


# Tasks 2 and 3: quantize and dequantize


@pytest.mark.parametrize("symmetric", MODES)
@pytest.mark.parametrize("x", TENSORS)
def test_round_trip_equals_torch_fake_quantize_per_tensor(x, symmetric):
    scale, zero_point = expected_qparams(x, symmetric)
    q = quantize(x, scale, zero_point)
    assert_equal(q.dtype, torch.int8, call=call("quantize", x, scale, zero_point) + ".dtype")
    assert_equal(tuple(q.shape), tuple(x.shape), call="quantize(x, ...).shape")
    result = dequantize(q, scale, zero_point)
    expected = fake_quantize(x, scale, zero_point)
    assert_tensor(result, expected, call=call("dequantize(quantize(x, scale, zero_point)", x))


@pytest.mark.parametrize("symmetric", MODES)
def test_round_trip_equals_torch_fake_quantize_per_channel(symmetric):
    w = data(5, 7, seed=5) * torch.tensor([0.01, 0.1, 1.0, 10.0, 0.5])[:, None]  # (O, I)
    scale, zero_point = expected_qparams(w, symmetric, dim=0)
    q = quantize(w, scale, zero_point, dim=0)
    assert_equal(q.dtype, torch.int8, call="quantize(w, scale, zero_point, dim=0).dtype")
    result = dequantize(q, scale, zero_point, dim=0)
    expected = fake_quantize(w, scale, zero_point, dim=0)
    assert_tensor(result, expected, call=call("dequantize(quantize(w, ..., dim=0), ..., dim=0)"))


@pytest.mark.parametrize("symmetric", MODES)
@pytest.mark.parametrize("dim", [pytest.param(None, id="per-tensor"), pytest.param(1, id="dim1")])
def test_round_trip_error_is_at_most_half_a_step(symmetric, dim):
    x = data(8, 16, seed=6, scale=3.0, shift=0.5)
    scale, zero_point = qparams(x, symmetric=symmetric, dim=dim)
    restored = dequantize(quantize(x, scale, zero_point, dim), scale, zero_point, dim)
    step = scale if dim is None else scale.reshape(1, -1)
    error = (restored - x).abs()
    worst = (error / step).max().item()
    assert worst <= 0.5 + 1e-4, (
        f"dequantize(quantize(x)) misses x by up to {worst:.3f} steps (symmetric={symmetric}, "
        f"dim={dim}); rounding to the nearest level misses by at most half a step"
    )


def test_quantize_saturates_values_beyond_the_range():
    scale, zero_point = torch.tensor(0.1), torch.tensor(10, dtype=torch.int32)
    x = torch.tensor([-1000.0, -13.9, 0.0, 11.64, 1000.0])
    q = quantize(x, scale, zero_point)
    expected = torch.tensor([-128, -128, 10, 126, 127], dtype=torch.int8)
    assert_tensor(q, expected, call=call("quantize", x, scale, zero_point))


def test_quantize_and_dequantize_leave_their_inputs_alone():
    x = data(3, 4, seed=7).requires_grad_()
    before = x.detach().clone()
    scale, zero_point = expected_qparams(x.detach(), symmetric=False)
    q = quantize(x.detach(), scale, zero_point)
    q_before = q.clone()
    dequantize(q, scale, zero_point)
    assert torch.equal(x.detach(), before) and torch.equal(q, q_before), (
        "quantize/dequantize changed the tensor they were given; they must return new tensors"
    )


def test_dequantize_maps_each_code_to_its_level():
    q = torch.tensor([[-128, 0, 127], [5, -5, 20]], dtype=torch.int8)
    scale = torch.tensor([0.5, 0.25])
    zero_point = torch.tensor([0, 5], dtype=torch.int32)
    expected = torch.tensor([[-64.0, 0.0, 63.5], [0.0, -2.5, 3.75]])
    result = dequantize(q, scale, zero_point, dim=0)
    assert_tensor(result, expected, call=call("dequantize", q, scale, zero_point, dim=0))


# Task 4: integer accumulation


@pytest.mark.parametrize("inputs", [pytest.param(8, id="8-inputs"), pytest.param(4096, id="4096")])
def test_int_accumulate_is_exact_in_int32(inputs):
    generator = torch.Generator().manual_seed(8)
    x_q = torch.randint(-128, 128, (3, inputs), generator=generator, dtype=torch.int8)
    x_q[0] = -128  # the extremes: (-128 - 127) * -128 = 32640 per term
    weight_q = torch.randint(-127, 128, (5, inputs), generator=generator, dtype=torch.int8)
    weight_q[0] = -127
    x_zero_point = torch.tensor(127, dtype=torch.int32)
    expected = (x_q.long() - 127) @ weight_q.long().T  # exact, in int64
    result = int_accumulate(x_q, x_zero_point, weight_q)
    assert_tensor(
        result,
        expected.to(torch.int32),
        call=call("int_accumulate", x_q, x_zero_point, weight_q),
    )


# Task 5: the quantized linear layer


def float_layer(inputs=32, outputs=6, seed=9):
    torch.manual_seed(seed)
    layer = nn.Linear(inputs, outputs)
    with torch.no_grad():  # rows of very different sizes: per-channel scales matter
        layer.weight.mul_(torch.logspace(-2, 1, outputs)[:, None])
    return layer


def test_quantized_linear_stores_int8_weights_with_one_symmetric_scale_per_output():
    layer = float_layer()
    qlayer = QuantizedLinear.from_float(layer)
    w = layer.weight.detach()
    expected_scale = w.abs().amax(dim=1) / 127
    assert_tensor(
        qlayer.weight_scale, expected_scale, call="QuantizedLinear.from_float(l).weight_scale"
    )
    assert_tensor(
        qlayer.weight_q,
        torch.round(w / expected_scale[:, None]).to(torch.int8),
        call="QuantizedLinear.from_float(l).weight_q",
    )
    assert_tensor(qlayer.bias, layer.bias.detach(), call="QuantizedLinear.from_float(l).bias")
    assert not qlayer.bias.requires_grad, "the quantized layer's bias is a plain tensor (a buffer)"


def error_bound(x, layer):
    """The README's bound on |y_q - y| for each output o: the sum over inputs i of
    |x_i| s_w[o] / 2 + |w_oi| s_x / 2 + s_x s_w[o] / 4 (each factor misses by half a step)."""
    w = layer.weight.detach()  # (O, I)
    s_w = w.abs().amax(dim=1) / 127  # (O,)
    s_x = (x.max().clamp(min=0) - x.min().clamp(max=0)) / 255
    inputs = w.shape[1]
    return (
        x.abs().sum(1, keepdim=True) * s_w / 2 + s_x / 2 * w.abs().sum(1) + s_x * s_w / 4 * inputs
    )


def assert_within_bound(layer, x, where):
    with torch.no_grad():
        expected = layer(x)
        result = QuantizedLinear.from_float(layer)(x)
    assert_equal(result.dtype, torch.float32, call=f"{where}.dtype")
    assert_equal(tuple(result.shape), tuple(expected.shape), call=f"{where}.shape")
    error = (result - expected).abs()
    excess = (error - error_bound(x, layer) - 1e-5).max().item()
    assert excess <= 0, (
        f"{where} differs from the float layer by more than the README's bound (by {excess:.3g} "
        f"beyond it); largest error {error.max():.3g}"
    )
    return result, expected


@pytest.mark.parametrize(
    ("scale", "shift"),
    [pytest.param(1.0, 0.0, id="centred-input"), pytest.param(0.5, 3.0, id="positive-input")],
)
def test_quantized_linear_is_within_the_stated_error_of_the_float_layer(scale, shift):
    x = data(10, 32, seed=10, scale=scale, shift=shift)
    result, expected = assert_within_bound(float_layer(), x, "QuantizedLinear.from_float(l)(x)")
    relative = ((result - expected).norm() / expected.norm()).item()
    assert relative < 0.03, f"QuantizedLinear is off by {relative:.1%} of the output's size"


class MatmulRecorder(TorchDispatchMode):
    """Records the dtypes of every matrix product that runs."""

    PRODUCTS = ("mm", "addmm", "bmm", "matmul", "linear", "dot", "mv", "_int_mm", "baddbmm")

    def __init__(self):
        super().__init__()
        self.dtypes = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func.overloadpacket.__name__ in self.PRODUCTS:
            self.dtypes.append([a.dtype for a in args if isinstance(a, torch.Tensor)])
        return func(*args, **(kwargs or {}))


def test_quantized_linear_multiplies_in_integers():
    layer = float_layer()
    qlayer = QuantizedLinear.from_float(layer)
    x = data(4, 32, seed=11)
    with torch.no_grad(), MatmulRecorder() as recorder:
        qlayer(x)
    floats = [d for d in recorder.dtypes if any(t.is_floating_point for t in d)]
    assert not floats, (
        f"QuantizedLinear.forward ran a floating-point matrix product (operand dtypes {floats}): "
        f"the point of int8 is to multiply the int8 codes and accumulate in int32, scaling to "
        f"float only once at the end"
    )


def test_quantized_linear_without_bias_and_for_a_single_row():
    torch.manual_seed(12)
    layer = nn.Linear(16, 3, bias=False)
    assert_within_bound(layer, data(1, 16, seed=12), "QuantizedLinear(no bias)(x)")
