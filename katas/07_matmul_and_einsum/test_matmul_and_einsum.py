import math

import pytest
import torch
import torch.nn.functional as F
from matmul_and_einsum import (
    attention_scores,
    batched_diagonal,
    batched_outer,
    batched_trace,
    bilinear_form,
    gram_matrices,
    linear,
)

from kata_helpers import assert_tensor, call


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.parametrize(
    ("x_shape", "in_features", "out_features"),
    [((5, 3), 3, 4), ((3,), 3, 2), ((2, 6, 4), 4, 4), ((1, 1), 1, 3)],
    ids=["5x3-3-4", "3-3-2", "2x6x4-4-4", "1x1-1-3"],
)
def test_linear_equals_torch_linear_for_any_leading_dims(x_shape, in_features, out_features):
    x = randn(*x_shape, seed=1)
    weight = randn(out_features, in_features, seed=2)
    bias = randn(out_features, seed=3)
    expected = F.linear(x, weight, bias)
    assert_tensor(linear(x, weight, bias), expected, call=call("linear", x, weight, bias))


def test_linear_keeps_float32():
    x, weight, bias = (
        randn(4, 3, dtype=torch.float32),
        randn(2, 3, seed=1, dtype=torch.float32),
        torch.ones(2),
    )
    expected = F.linear(x, weight, bias)
    assert_tensor(
        linear(x, weight, bias), expected, call=call("linear", x, weight, bias), atol=1e-5
    )


@pytest.mark.parametrize(("batch", "n", "d"), [(2, 3, 5), (1, 4, 2), (3, 1, 1)])
def test_gram_matrices_hold_every_row_dot_product(batch, n, d):
    x = randn(batch, n, d, seed=4)
    expected = torch.tensor(
        [
            [[sum(x[b, i, k] * x[b, j, k] for k in range(d)) for j in range(n)] for i in range(n)]
            for b in range(batch)
        ],
        dtype=torch.float64,
    )
    assert_tensor(gram_matrices(x), expected, call=call("gram_matrices", x))


def test_gram_matrices_are_symmetric_with_squared_norms_on_the_diagonal():
    x = randn(2, 5, 3, seed=5)
    result = gram_matrices(x)
    assert_tensor(
        result, result.transpose(1, 2), call=call("gram_matrices", x) + ".transpose(1, 2)"
    )
    norms = (x**2).sum(-1)
    assert_tensor(
        result.diagonal(dim1=1, dim2=2), norms, call=f"{call('gram_matrices', x)}.diagonal()"
    )


@pytest.mark.parametrize(("batch", "n"), [(3, 4), (1, 1), (2, 5)])
def test_batched_trace_sums_each_diagonal(batch, n):
    matrices = randn(batch, n, n, seed=6)
    expected = torch.tensor(
        [sum(matrices[b, i, i] for i in range(n)) for b in range(batch)], dtype=torch.float64
    )
    assert_tensor(batched_trace(matrices), expected, call=call("batched_trace", matrices))


def test_batched_trace_of_identities_is_their_size():
    matrices = torch.eye(3, dtype=torch.float64).repeat(4, 1, 1) * torch.arange(
        1.0, 5.0, dtype=torch.float64
    ).view(4, 1, 1)
    expected = torch.tensor([3.0, 6.0, 9.0, 12.0], dtype=torch.float64)
    assert_tensor(batched_trace(matrices), expected, call=call("batched_trace", matrices))


@pytest.mark.parametrize(("batch", "n"), [(3, 4), (1, 1), (2, 2)])
def test_batched_diagonal_takes_each_main_diagonal(batch, n):
    matrices = randn(batch, n, n, seed=7)
    expected = torch.tensor(
        [[matrices[b, i, i].item() for i in range(n)] for b in range(batch)], dtype=torch.float64
    )
    assert_tensor(batched_diagonal(matrices), expected, call=call("batched_diagonal", matrices))


@pytest.mark.parametrize(("batch", "n", "m"), [(2, 3, 4), (1, 1, 5), (3, 2, 2)])
def test_batched_outer_multiplies_every_pair(batch, n, m):
    u, v = randn(batch, n, seed=8), randn(batch, m, seed=9)
    expected = torch.tensor(
        [
            [[u[b, i].item() * v[b, j].item() for j in range(m)] for i in range(n)]
            for b in range(batch)
        ],
        dtype=torch.float64,
    )
    assert_tensor(batched_outer(u, v), expected, call=call("batched_outer", u, v))


@pytest.mark.parametrize(("batch", "n", "m"), [(4, 3, 3), (2, 3, 5), (1, 2, 1)])
def test_bilinear_form_is_x_transpose_matrix_y(batch, n, m):
    x, matrix, y = randn(batch, n, seed=10), randn(n, m, seed=11), randn(batch, m, seed=12)
    expected = torch.stack([x[b] @ matrix @ y[b] for b in range(batch)])
    assert_tensor(bilinear_form(x, matrix, y), expected, call=call("bilinear_form", x, matrix, y))


def test_bilinear_form_with_the_identity_is_a_dot_product():
    x, y = randn(3, 4, seed=13), randn(3, 4, seed=14)
    matrix = torch.eye(4, dtype=torch.float64)
    assert_tensor(
        bilinear_form(x, matrix, y), (x * y).sum(-1), call=call("bilinear_form", x, matrix, y)
    )


def reference_scores(queries, keys):
    # every query against every key by broadcasting, no matmul: (B, H, Tq, 1, D) * (B, H, 1, Tk, D)
    return (queries.unsqueeze(-2) * keys.unsqueeze(-3)).sum(-1) / math.sqrt(queries.shape[-1])


@pytest.mark.parametrize(
    ("batch", "heads", "tq", "tk", "d"),
    [(2, 3, 4, 5, 8), (1, 1, 3, 3, 4), (2, 2, 1, 6, 2), (1, 2, 5, 1, 16)],
)
def test_attention_scores_are_scaled_query_key_dots(batch, heads, tq, tk, d):
    queries, keys = randn(batch, heads, tq, d, seed=15), randn(batch, heads, tk, d, seed=16)
    expected = reference_scores(queries, keys)
    assert_tensor(
        attention_scores(queries, keys), expected, call=call("attention_scores", queries, keys)
    )


def test_attention_scores_are_scaled_by_the_square_root_of_the_head_size():
    queries = torch.ones(1, 1, 1, 16, dtype=torch.float64)
    keys = torch.ones(1, 1, 2, 16, dtype=torch.float64)
    expected = torch.full((1, 1, 1, 2), 4.0, dtype=torch.float64)  # 16 / sqrt(16)
    assert_tensor(
        attention_scores(queries, keys), expected, call=call("attention_scores", queries, keys)
    )


@pytest.mark.gpu
def test_linear_and_attention_scores_run_on_the_accelerator(device):
    x, weight, bias = (
        t.to(device)
        for t in (
            randn(8, 5, dtype=torch.float32),
            randn(3, 5, seed=1, dtype=torch.float32),
            randn(3, seed=2, dtype=torch.float32),
        )
    )
    expected = F.linear(x.cpu(), weight.cpu(), bias.cpu()).to(device)
    assert_tensor(
        linear(x, weight, bias),
        expected,
        call=call("linear", x, weight, bias),
        rtol=1e-3,
        atol=1e-3,
    )
    queries = randn(2, 2, 4, 8, seed=3, dtype=torch.float32).to(device)
    keys = randn(2, 2, 6, 8, seed=4, dtype=torch.float32).to(device)
    expected = reference_scores(queries.cpu(), keys.cpu()).to(device)
    assert_tensor(
        attention_scores(queries, keys),
        expected,
        call=call("attention_scores", queries, keys),
        rtol=1e-3,
        atol=1e-3,
    )
