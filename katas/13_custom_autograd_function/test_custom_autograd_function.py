import pytest
import torch
from custom_autograd_function import Cube, FakeQuantize, Hypot, RoundSTE
from torch.autograd import Function, gradcheck
from torch.autograd.gradcheck import GradcheckError

from kata_helpers import assert_elementwise, assert_tensor, call


def random(*shape, dtype=torch.float64, seed=0, low=-2.0, high=2.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=generator, dtype=dtype) * (high - low) + low


def gradient_of(fn, *inputs, upstream):
    """The gradients of fn(*inputs) for each input, backpropagating `upstream`."""
    leaves = [t.detach().clone().requires_grad_(True) for t in inputs]
    fn(*leaves).backward(upstream)
    return [leaf.grad for leaf in leaves]


def assert_gradcheck(fn, inputs, name):
    try:
        gradcheck(fn, inputs, eps=1e-6, atol=1e-5)
    except GradcheckError as error:
        raise AssertionError(
            f"gradcheck({name}, float64 inputs) failed: the gradients your backward returns "
            f"differ from finite differences of forward.\n{error}"
        ) from None


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((5,), torch.float32), ((2, 3), torch.float64), ((), torch.float64)],
    ids=["5-float32", "2x3-float64", "scalar-float64"],
)
def test_cube_forward_cubes_each_element(shape, dtype):
    assert issubclass(Cube, Function), "Cube must subclass torch.autograd.Function"
    x = random(*shape, dtype=dtype)
    assert_tensor(Cube.apply(x), x**3, call=call("Cube.apply", x))


def test_cube_backward_is_three_x_squared_times_the_upstream_gradient():
    x, upstream = random(4, 3, seed=1), random(4, 3, seed=2)
    (grad,) = gradient_of(Cube.apply, x, upstream=upstream)
    assert_tensor(grad, 3 * x**2 * upstream, call="x.grad after Cube.apply(x).backward(upstream)")


def test_cube_passes_gradcheck_in_float64():
    x = random(3, 4, seed=3).requires_grad_(True)
    assert_gradcheck(Cube.apply, (x,), "Cube.apply")


def test_cube_builds_a_graph_that_chains_with_other_operations():
    x = random(6, seed=4)
    (grad,) = gradient_of(
        lambda t: (Cube.apply(2 * t) + t).sum(), x, upstream=torch.tensor(1.0, dtype=x.dtype)
    )
    # d/dt [(2t)^3 + t] = 24 t^2 + 1
    assert_tensor(grad, 24 * x**2 + 1, call="x.grad of (Cube.apply(2 * x) + x).sum()")


@pytest.mark.parametrize("shape", [(7,), (1,), (2, 3, 2)], ids=["7", "1", "2x3x2"])
def test_hypot_forward_equals_torch_hypot(shape):
    x, y = random(*shape, seed=5), random(*shape, seed=6)
    assert_tensor(Hypot.apply(x, y), torch.hypot(x, y), call=call("Hypot.apply", x, y))


def test_hypot_backward_gives_one_gradient_per_input():
    x, y, upstream = random(3, 4, seed=7), random(3, 4, seed=8), random(3, 4, seed=9)
    grad_x, grad_y = gradient_of(Hypot.apply, x, y, upstream=upstream)
    expected_x, expected_y = gradient_of(torch.hypot, x, y, upstream=upstream)
    assert_tensor(grad_x, expected_x, call="x.grad after Hypot.apply(x, y).backward(upstream)")
    assert_tensor(grad_y, expected_y, call="y.grad after Hypot.apply(x, y).backward(upstream)")


def test_hypot_passes_gradcheck_for_both_inputs():
    x = random(5, seed=10, low=0.5, high=2.0).requires_grad_(True)
    y = random(5, seed=11, low=-2.0, high=-0.5).requires_grad_(True)
    assert_gradcheck(Hypot.apply, (x, y), "Hypot.apply")


def test_hypot_works_when_only_one_input_needs_a_gradient():
    x = random(4, seed=12)
    y = random(4, seed=13).requires_grad_(True)
    Hypot.apply(x, y).sum().backward()
    assert_tensor(y.grad, y.detach() / torch.hypot(x, y.detach()), call="y.grad with x constant")


def test_round_ste_rounds_half_to_even_in_forward():
    x = torch.tensor([-2.5, -1.4, -0.5, 0.5, 1.5, 2.6, 3.0])
    expected = torch.tensor([-2.0, -1.0, -0.0, 0.0, 2.0, 3.0, 3.0])
    assert_tensor(RoundSTE.apply(x), expected, call=call("RoundSTE.apply", x))


def test_round_ste_passes_the_gradient_straight_through():
    x, upstream = random(2, 5, seed=14, low=-10, high=10), random(2, 5, seed=15)
    (grad,) = gradient_of(RoundSTE.apply, x, upstream=upstream)
    assert_tensor(grad, upstream, call="x.grad after RoundSTE.apply(x).backward(upstream)")
    (grad,) = gradient_of(
        lambda t: RoundSTE.apply(3 * t).sum(), x, upstream=torch.tensor(1.0, dtype=x.dtype)
    )
    assert_tensor(grad, torch.full_like(x, 3.0), call="x.grad of RoundSTE.apply(3 * x).sum()")


@pytest.mark.parametrize(
    ("scale", "qmin", "qmax"), [(0.5, -4, 3), (0.1, 0, 255), (0.25, -128, 127), (2.0, -1, 1)]
)
def test_fake_quantize_forward_equals_torch(scale, qmin, qmax):
    x = random(64, seed=16, low=-6, high=6, dtype=torch.float32)
    expected = torch.fake_quantize_per_tensor_affine(x, scale, 0, qmin, qmax)
    assert_elementwise(
        FakeQuantize.apply(x, scale, qmin, qmax),
        expected,
        inputs={"x": x, "x / scale": x / scale},
        call=call("FakeQuantize.apply", x, scale, qmin, qmax),
    )


@pytest.mark.parametrize(("scale", "qmin", "qmax"), [(0.5, -4, 3), (0.1, 0, 255), (2.0, -1, 1)])
def test_fake_quantize_gradient_passes_only_where_the_clamp_did_nothing(scale, qmin, qmax):
    x = random(64, seed=17, low=-6, high=6, dtype=torch.float32)
    upstream = random(64, seed=18, dtype=torch.float32)
    (grad,) = gradient_of(lambda t: FakeQuantize.apply(t, scale, qmin, qmax), x, upstream=upstream)
    (expected,) = gradient_of(
        lambda t: torch.fake_quantize_per_tensor_affine(t, scale, 0, qmin, qmax),
        x,
        upstream=upstream,
    )
    assert_elementwise(
        grad,
        expected,
        inputs={"x": x, "x / scale": x / scale},
        call=f"x.grad after FakeQuantize.apply(x, {scale}, {qmin}, {qmax}).backward(upstream)",
    )


def test_fake_quantize_on_a_small_example():
    x = torch.tensor([-3.0, -1.26, 0.3, 0.74, 1.9, 5.0], requires_grad=True)
    y = FakeQuantize.apply(x, 0.5, -4, 3)
    assert_tensor(
        y.detach(),
        torch.tensor([-2.0, -1.5, 0.5, 0.5, 1.5, 1.5]),
        call=call("FakeQuantize.apply", x, 0.5, -4, 3),
    )
    y.sum().backward()
    # -3 / 0.5 = -6 < qmin, 1.9 / 0.5 rounds to 4 > qmax, 5 / 0.5 = 10: these saturate, no gradient.
    assert_tensor(
        x.grad,
        torch.tensor([0.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
        call="x.grad of FakeQuantize.apply(x, 0.5, -4, 3).sum()",
    )


@pytest.mark.gpu
def test_functions_run_on_the_accelerator(device):
    x = random(3, 4, seed=19, dtype=torch.float32)
    upstream = random(3, 4, seed=20, dtype=torch.float32)
    for name, fn in [
        ("Cube.apply", Cube.apply),
        ("FakeQuantize.apply(x, 0.25, -8, 7)", lambda t: FakeQuantize.apply(t, 0.25, -8, 7)),
    ]:
        (on_cpu,) = gradient_of(fn, x, upstream=upstream)
        (on_device,) = gradient_of(fn, x.to(device), upstream=upstream.to(device))
        assert_tensor(
            on_device, on_cpu.to(device), call=f"x.grad of {name} with x on {device}", rtol=1e-5
        )
