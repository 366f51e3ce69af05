import pytest
import torch
from jacobians_and_hessians import (
    hessian_of,
    hessian_vector_product,
    jacobian_by_columns,
    jacobian_by_rows,
    jacobian_vector_product,
    vector_jacobian_product,
)

from kata_helpers import assert_tensor, call

# torch.func's forward mode goes through torch.jit internals that warn about their own deprecation.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")


def random(*shape, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64)


def squash(A):
    """f(x) = A @ tanh(x), whose Jacobian is A * (1 - tanh(x)**2) (column j scaled)."""
    return lambda x: A @ torch.tanh(x)


def squash_jacobian(A, x):
    return A * (1 - torch.tanh(x) ** 2)  # (m, n) * (n,): scales column j


def mixed(x):
    """(n,) -> (3,): a product, a square and a sum of sines, so every entry of J differs."""
    return torch.stack(
        [
            x.prod(),
            x.sum() ** 2,
            torch.sin(x * torch.arange(1.0, x.numel() + 1, dtype=x.dtype)).sum(),
        ]
    )


def mixed_jacobian(x):
    n = x.numel()
    k = torch.arange(1.0, n + 1, dtype=x.dtype)
    product_row = torch.stack([torch.cat([x[:j], x[j + 1 :]]).prod() for j in range(n)])
    return torch.stack(
        [product_row, 2 * x.sum() * torch.ones(n, dtype=x.dtype), k * torch.cos(k * x)]
    )


JACOBIAN_CASES = [(3, 5), (5, 2), (1, 4), (4, 1), (1, 1)]


@pytest.mark.parametrize(("m", "n"), JACOBIAN_CASES)
def test_jacobian_by_rows_equals_the_analytic_jacobian(m, n):
    A, x = random(m, n, seed=1), random(n, seed=2)
    expected = squash_jacobian(A, x)
    assert_tensor(
        jacobian_by_rows(squash(A), x), expected, call=call("jacobian_by_rows", "A @ tanh(x)", x)
    )


def test_jacobian_by_rows_of_a_nonlinear_map():
    x = random(4, seed=3)
    assert_tensor(
        jacobian_by_rows(mixed, x), mixed_jacobian(x), call=call("jacobian_by_rows", "mixed", x)
    )


@pytest.mark.parametrize(("m", "n"), JACOBIAN_CASES)
def test_jacobian_by_columns_equals_the_analytic_jacobian(m, n):
    A, x = random(m, n, seed=4), random(n, seed=5)
    expected = squash_jacobian(A, x)
    assert_tensor(
        jacobian_by_columns(squash(A), x),
        expected,
        call=call("jacobian_by_columns", "A @ tanh(x)", x),
    )


def test_jacobian_by_columns_of_a_nonlinear_map():
    x = random(4, seed=6)
    assert_tensor(
        jacobian_by_columns(mixed, x),
        mixed_jacobian(x),
        call=call("jacobian_by_columns", "mixed", x),
    )


def test_jacobians_leave_the_input_untouched():
    A, x = random(2, 3, seed=7), random(3, seed=8)
    before = x.clone()
    rows, columns = jacobian_by_rows(squash(A), x), jacobian_by_columns(squash(A), x)
    assert_tensor(
        rows, columns, call="jacobian_by_rows(f, x) compared with jacobian_by_columns(f, x)"
    )
    assert_tensor(x, before, call="x after computing its Jacobians")
    assert not x.requires_grad and x.grad is None, (
        "the Jacobian functions changed x: it now requires grad or has .grad"
    )


@pytest.mark.parametrize(("m", "n"), [(3, 5), (5, 2), (1, 3)])
def test_vector_jacobian_product_is_v_times_j(m, n):
    A, x, v = random(m, n, seed=9), random(n, seed=10), random(m, seed=11)
    expected = v @ squash_jacobian(A, x)  # (m,) @ (m, n) -> (n,)
    assert_tensor(
        vector_jacobian_product(squash(A), x, v),
        expected,
        call=call("vector_jacobian_product", "A @ tanh(x)", x, v),
    )


@pytest.mark.parametrize(("m", "n"), [(3, 5), (5, 2), (1, 3)])
def test_jacobian_vector_product_is_j_times_u(m, n):
    A, x, u = random(m, n, seed=12), random(n, seed=13), random(n, seed=14)
    expected = squash_jacobian(A, x) @ u  # (m, n) @ (n,) -> (m,)
    assert_tensor(
        jacobian_vector_product(squash(A), x, u),
        expected,
        call=call("jacobian_vector_product", "A @ tanh(x)", x, u),
    )


def test_the_two_products_agree_on_a_square_jacobian():
    # For any J: v @ (J @ u) == (v @ J) @ u.
    A, x, u, v = random(4, 4, seed=15), random(4, seed=16), random(4, seed=17), random(4, seed=18)
    left = v @ jacobian_vector_product(squash(A), x, u)
    right = vector_jacobian_product(squash(A), x, v) @ u
    assert_tensor(
        left,
        right,
        call="v @ jacobian_vector_product(f, x, u) vs vector_jacobian_product(f, x, v) @ u",
    )


def quadratic_plus_cubes(Q):
    """f(x) = x @ Q @ x / 2 + sum(x**3), whose Hessian is (Q + Q.T) / 2 + diag(6 x)."""
    return lambda x: x @ Q @ x / 2 + (x**3).sum()


@pytest.mark.parametrize("n", [1, 3, 6])
def test_hessian_of_a_vector_input_equals_the_analytic_one(n):
    Q, x = random(n, n, seed=19), random(n, seed=20)
    expected = (Q + Q.T) / 2 + torch.diag(6 * x)
    assert_tensor(
        hessian_of(quadratic_plus_cubes(Q), x),
        expected,
        call=call("hessian_of", "x @ Q @ x / 2 + sum(x**3)", x),
    )


def test_hessian_of_a_matrix_input_has_shape_s_plus_s():
    W = random(2, 3, seed=21)
    # f(W) = sum(W**3) + (sum W)**2: d²f/dW[a,b]dW[c,d] = 6 W[a,b] [ab == cd] + 2
    expected = torch.diag(6 * W.flatten()).reshape(2, 3, 2, 3) + 2
    result = hessian_of(lambda w: (w**3).sum() + w.sum() ** 2, W)
    assert_tensor(result, expected, call=call("hessian_of", "sum(W**3) + sum(W)**2", W))


def test_hessian_of_logsumexp_is_diag_p_minus_p_outer_p():
    x = random(5, seed=22)
    p = torch.softmax(x, dim=0)
    expected = torch.diag(p) - torch.outer(p, p)
    assert_tensor(
        hessian_of(lambda z: torch.logsumexp(z, dim=0), x),
        expected,
        call=call("hessian_of", "logsumexp", x),
    )


@pytest.mark.parametrize("n", [1, 4, 7])
def test_hessian_vector_product_equals_h_times_v(n):
    Q, x, v = random(n, n, seed=23), random(n, seed=24), random(n, seed=25)
    H = (Q + Q.T) / 2 + torch.diag(6 * x)
    result = hessian_vector_product(quadratic_plus_cubes(Q), x, v)
    assert_tensor(
        result, H @ v, call=call("hessian_vector_product", "x @ Q @ x / 2 + sum(x**3)", x, v)
    )


def test_hessian_vector_product_keeps_the_shape_of_a_matrix_input():
    W, V = random(3, 2, seed=26), random(3, 2, seed=27)
    # f(W) = sum(W**3) + (sum W)**2: (H @ V)[a,b] = 6 W[a,b] V[a,b] + 2 sum(V)
    expected = 6 * W * V + 2 * V.sum()
    result = hessian_vector_product(lambda w: (w**3).sum() + w.sum() ** 2, W, V)
    assert_tensor(
        result, expected, call=call("hessian_vector_product", "sum(W**3) + sum(W)**2", W, V)
    )
