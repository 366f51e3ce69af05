import math

import pytest
import torch
from gradient_basics import (
    derivative_at,
    gradient_of,
    leaf_and_intermediate_gradients,
    vector_jacobian_product,
)

from kata_helpers import assert_tensor, call, describe


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def assert_untouched(x, what):
    assert not x.requires_grad and x.grad is None, (
        f"after {what} the caller's x has requires_grad={x.requires_grad} and .grad="
        f"{describe(x.grad)}: the function changed its input. Differentiate with respect to a "
        f"copy of your own (x.detach().clone().requires_grad_())."
    )


@pytest.mark.parametrize(
    ("name", "fn", "x", "expected"),
    [
        ("t**3", lambda t: t**3, 2.0, 12.0),
        ("sin(t)", torch.sin, 0.0, 1.0),
        ("exp(2t)", lambda t: torch.exp(2 * t), 0.5, 2 * math.e),
        ("t * log(t)", lambda t: t * torch.log(t), 1.0, 1.0),
        ("1 / t", lambda t: 1 / t, -4.0, -1 / 16),
    ],
    ids=[
        "t**3-t**3-2.0-12.0",
        "sin(t)-sin-0.0-1.0",
        "exp(2t)-torch.exp(2*t)-0.5-2*math.e",
        "t * log(t)-t*torch.log(t)-1.0-1.0",
        "1 / t-1/t--4.0--1/16",
    ],
)
def test_derivative_at_matches_the_analytic_derivative(name, fn, x, expected):
    result = derivative_at(fn, x)
    assert isinstance(result, float), (
        f"derivative_at(lambda t: {name}, {x}) returned {describe(result)} ({type(result).__name__}), expected a Python float (.item())"
    )
    assert math.isclose(result, expected, rel_tol=1e-12, abs_tol=1e-12), (
        f"derivative_at(lambda t: {name}, {x}) returned {result}, expected {expected}"
    )


def test_derivative_at_accepts_an_int():
    result = derivative_at(lambda t: t**3, 2)
    assert isinstance(result, float) and result == 12.0, (
        f"derivative_at(lambda t: t**3, 2) returned {describe(result)}, expected 12.0"
    )


def test_derivative_at_computes_in_float64():
    # d/dt of (t + 1e-10)**2 at 1 is 2.0000000002: float32 cannot tell it from 2
    result = derivative_at(lambda t: (t + 1e-10) ** 2, 1.0)
    assert abs(result - 2.0000000002) < 1e-12, (
        f"derivative_at(lambda t: (t + 1e-10)**2, 1.0) returned {result!r}, expected 2.0000000002 (compute in float64)"
    )


@pytest.mark.parametrize("shape", [(5,), (2, 3), ()], ids=["5", "2x3", "scalar"])
def test_gradient_of_the_sum_of_squares_is_twice_x(shape):
    x = randn(*shape, seed=1)
    result = gradient_of(lambda t: (t**2).sum(), x)
    assert_tensor(result, 2 * x, call=call("gradient_of", "lambda t: (t**2).sum()", x))


def test_gradient_of_logsumexp_is_softmax():
    x = randn(2, 4, seed=2) * 10
    result = gradient_of(lambda t: torch.logsumexp(t.flatten(), 0), x)
    expected = torch.softmax(x.flatten(), 0).reshape(2, 4)
    assert_tensor(result, expected, call=call("gradient_of", "lambda t: logsumexp(t)", x))


def test_gradient_of_a_matrix_function_is_the_analytic_one():
    a, x = randn(3, 3, seed=3), randn(3, seed=4)
    result = gradient_of(lambda t: t @ a @ t, x)  # d(xᵀAx)/dx = (A + Aᵀ) x
    assert_tensor(result, (a + a.T) @ x, call=call("gradient_of", "lambda t: t @ A @ t", x))


def test_gradient_of_keeps_float32_and_does_not_require_grad():
    x = randn(4, seed=5, dtype=torch.float32)
    result = gradient_of(lambda t: (t**2).sum(), x)
    assert_tensor(result, 2 * x, call=call("gradient_of", "lambda t: (t**2).sum()", x))
    assert not result.requires_grad, (
        "gradient_of(lambda t: (t**2).sum(), x) returned a tensor that requires grad (a graph "
        "built with create_graph=True?): return plain numbers, not part of a graph"
    )


def test_gradient_of_leaves_the_callers_tensor_alone():
    x = randn(3, seed=6)
    first = gradient_of(lambda t: (t**2).sum(), x)
    assert_untouched(x, "gradient_of(fn, x)")
    second = gradient_of(lambda t: (t**2).sum(), x)
    assert_tensor(second, first, call="a second gradient_of(lambda t: (t**2).sum(), x)")


@pytest.mark.gpu
def test_gradient_of_runs_on_the_accelerator(device):
    x = randn(6, seed=7, dtype=torch.float32).to(device)
    result = gradient_of(lambda t: (t**3).sum(), x)
    assert_tensor(
        result,
        3 * x**2,
        call=call("gradient_of", "lambda t: (t**3).sum()", x),
        rtol=1e-5,
        atol=1e-5,
    )


def test_vector_jacobian_product_of_a_matrix_map_is_the_transpose_times_v():
    a, x, v = randn(3, 4, seed=8), randn(4, seed=9), randn(3, seed=10)
    result = vector_jacobian_product(lambda t: a @ t, x, v)
    assert_tensor(result, a.T @ v, call=call("vector_jacobian_product", "lambda t: A @ t", x, v))


def test_vector_jacobian_product_of_an_elementwise_map_weights_each_derivative():
    x, v = randn(2, 3, seed=11), randn(2, 3, seed=12)
    result = vector_jacobian_product(lambda t: t**2, x, v)
    assert_tensor(result, 2 * x * v, call=call("vector_jacobian_product", "lambda t: t**2", x, v))


def test_vector_jacobian_product_with_a_one_hot_v_is_a_row_of_the_jacobian():
    x = randn(3, seed=13)
    v = torch.tensor([0.0, 1.0], dtype=torch.float64)
    fn = lambda t: torch.stack([t.sum(), (t * t).sum()])  # noqa: E731
    result = vector_jacobian_product(fn, x, v)
    assert_tensor(
        result, 2 * x, call=call("vector_jacobian_product", "lambda t: [sum(t), sum(t*t)]", x, v)
    )


def test_vector_jacobian_product_of_a_scalar_output_scales_the_gradient():
    x = randn(4, seed=14)
    v = torch.tensor(3.0, dtype=torch.float64)
    result = vector_jacobian_product(lambda t: t.sin().sum(), x, v)
    assert_tensor(
        result, 3 * x.cos(), call=call("vector_jacobian_product", "lambda t: t.sin().sum()", x, v)
    )


def test_vector_jacobian_product_leaves_the_callers_tensor_alone():
    x, v = randn(3, seed=15), randn(3, seed=16)
    vector_jacobian_product(lambda t: t * 2, x, v)
    assert_untouched(x, "vector_jacobian_product(fn, x, v)")


def test_leaf_and_intermediate_gradients_follow_the_chain_rule():
    x = randn(5, seed=17)
    result = leaf_and_intermediate_gradients(torch.sin, lambda h: (h**2).sum(), x)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"leaf_and_intermediate_gradients returned {describe(result)}, expected a pair (grad of x, grad of hidden)"
    )
    grad_x, grad_hidden = result
    label = "leaf_and_intermediate_gradients(sin, lambda h: (h**2).sum(), x)"
    # loss = sum(sin(x)**2): d loss / d hidden = 2 sin(x), d loss / d x = 2 sin(x) cos(x)
    assert_tensor(grad_hidden, 2 * x.sin(), call=f"{label}[1] (the gradient of hidden)")
    assert_tensor(grad_x, 2 * x.sin() * x.cos(), call=f"{label}[0] (the gradient of x)")


def test_leaf_and_intermediate_gradients_work_when_hidden_changes_shape():
    x, weight = randn(2, 3, seed=18), randn(3, 4, seed=19)
    result = leaf_and_intermediate_gradients(lambda t: t @ weight, lambda h: h.tanh().sum(), x)
    label = "leaf_and_intermediate_gradients(lambda t: t @ W, lambda h: h.tanh().sum(), x)"
    hidden = x @ weight
    expected_hidden = 1 - hidden.tanh() ** 2
    assert_tensor(result[1], expected_hidden, call=f"{label}[1] (the gradient of hidden)")
    assert_tensor(result[0], expected_hidden @ weight.T, call=f"{label}[0] (the gradient of x)")
    assert_untouched(x, label)


def test_derivative_at_and_gradient_of_agree():
    x = 0.7
    fn = lambda t: torch.tanh(t) * t  # noqa: E731
    tensor_result = gradient_of(fn, torch.tensor(x, dtype=torch.float64))
    scalar_result = derivative_at(fn, x)
    assert math.isclose(tensor_result.item(), scalar_result, rel_tol=1e-12), (
        f"gradient_of(fn, tensor(0.7)) gives {tensor_result.item()!r} but derivative_at(fn, 0.7) "
        f"gives {scalar_result!r} for fn(t) = tanh(t) * t"
    )


def _parameter(seed):
    """A tensor that already requires grad, as a model's weights do."""
    return torch.nn.Parameter(randn(3, seed=seed))


def _assert_parameter_untouched(p, what):
    assert p.grad is None, (
        f"after {what} on a tensor that already requires grad (an nn.Parameter), its .grad is "
        f"{describe(p.grad)}: the gradient flowed into the caller's tensor. Differentiate with "
        f"respect to a detached copy (x.detach().clone().requires_grad_())."
    )


@pytest.mark.parametrize(
    "function",
    [
        pytest.param("gradient_of", id="gradient_of"),
        pytest.param("vector_jacobian_product", id="vector_jacobian_product"),
        pytest.param("leaf_and_intermediate_gradients", id="leaf_and_intermediate_gradients"),
    ],
)
def test_an_input_that_already_requires_grad_is_left_alone(function):
    p = _parameter(seed=21)
    x = p.detach()
    what = f"{function}(fn, x)"
    if function == "gradient_of":
        result, expected = gradient_of(lambda t: (t**2).sum(), p), 2 * x
    elif function == "vector_jacobian_product":
        v = randn(3, seed=22)
        result, expected = vector_jacobian_product(lambda t: t**2, p, v), 2 * x * v
    else:
        pair = leaf_and_intermediate_gradients(torch.sin, lambda h: (h**2).sum(), p)
        result, expected = pair[0], 2 * x.sin() * x.cos()
    assert_tensor(result, expected, call=f"{what} with x an nn.Parameter")
    assert not result.requires_grad, f"{what} returned a tensor that requires grad"
    _assert_parameter_untouched(p, what)
