import math

import pytest
import torch
from reductions import (
    logsumexp,
    masked_mean,
    running_mean,
    sample_variance,
    subtract_row_max,
    top_k_classes,
)

from kata_helpers import assert_tensor, call


def data(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(
    "shape", [(3, 5), (5, 3), (4, 4), (1, 6), (6, 1)], ids=["3x5", "5x3", "4x4", "1x6", "6x1"]
)
def test_subtract_row_max_makes_each_rows_maximum_zero(shape):
    x = data(*shape) * 3
    expected = torch.stack([row - max(row.tolist()) for row in x])
    assert_tensor(subtract_row_max(x), expected, call=call("subtract_row_max", x))


def _logsumexp_by_loop(x, dim):
    """Exact enough: in float64 with the maximum factored out, one slice at a time."""
    moved = x.double().movedim(dim, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = []
    for row in flat.tolist():
        m = max(row)
        out.append(m + math.log(sum(math.exp(v - m) for v in row)))
    return torch.tensor(out, dtype=torch.float64).reshape(moved.shape[:-1]).to(x.dtype)


@pytest.mark.parametrize(
    ("shape", "dim"),
    [
        ((3, 5), 1),
        ((3, 5), 0),
        ((4, 4), 1),
        ((2, 3, 4), -1),
        ((2, 3, 4), 1),
        ((1, 5), 1),
        ((2, 1, 4), -1),
    ],
    ids=["3x5-1", "3x5-0", "4x4-1", "2x3x4--1", "2x3x4-1", "1x5-1", "2x1x4--1"],
)
def test_logsumexp_matches_the_definition(shape, dim):
    x = data(*shape)
    assert_tensor(logsumexp(x, dim), _logsumexp_by_loop(x, dim), call=call("logsumexp", x, dim))


@pytest.mark.parametrize("offset", [1000.0, -1000.0, 100.0])
def test_logsumexp_is_stable_for_large_and_very_negative_values(offset):
    x = data(4, 6) + offset
    assert_tensor(logsumexp(x, 1), _logsumexp_by_loop(x, 1), call=call("logsumexp", x, 1))


def test_logsumexp_of_mixed_scales_in_one_row():
    x = torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, -999.0, -1001.0], [0.0, 0.0, 0.0]])
    expected = torch.tensor(
        [1000.0, -999.0 + math.log(1 + math.exp(-1) + math.exp(-2)), math.log(3)]
    )
    assert_tensor(logsumexp(x, 1), expected, call=call("logsumexp", x, 1))


def test_logsumexp_gradient_is_the_softmax():
    x = (data(3, 5) * 50).double().requires_grad_()
    logsumexp(x, 1).sum().backward()
    assert x.grad is not None, "logsumexp(x, 1) is cut off from autograd"
    assert_tensor(
        x.grad, torch.softmax(x.detach(), dim=1), call="gradient of logsumexp(x, 1).sum()"
    )


def test_masked_mean_ignores_the_padding():
    x = torch.tensor([[1.0, 2.0, 3.0, 100.0], [4.0, -50.0, -50.0, -50.0], [1.0, 1.0, 4.0, 6.0]])
    mask = torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    expected = torch.tensor([2.0, 4.0, 3.0])
    assert_tensor(masked_mean(x, mask), expected, call=call("masked_mean", x, mask))


@pytest.mark.parametrize(("batch", "steps"), [(5, 7), (1, 3), (4, 1)])
def test_masked_mean_matches_a_loop(batch, steps):
    x = data(batch, steps)
    lengths = torch.randint(1, steps + 1, (batch,), generator=torch.Generator().manual_seed(1))
    mask = torch.arange(steps)[None, :] < lengths[:, None]
    expected = torch.tensor(
        [sum(row[:n].tolist()) / n for row, n in zip(x, lengths.tolist(), strict=True)]
    )
    assert_tensor(masked_mean(x, mask), expected, call=call("masked_mean", x, mask))


@pytest.mark.parametrize("shape", [(6,), (3, 5), (2, 2, 4), (1,)], ids=["6", "3x5", "2x2x4", "1"])
def test_running_mean_averages_each_prefix(shape):
    x = data(*shape)
    flat = x.reshape(-1, shape[-1]).tolist()
    expected = torch.tensor(
        [[sum(row[: t + 1]) / (t + 1) for t in range(len(row))] for row in flat]
    ).reshape(shape)
    assert_tensor(running_mean(x), expected, call=call("running_mean", x))


def test_running_mean_of_a_constant_is_constant():
    x = torch.full((2, 5), 3.0)
    assert_tensor(running_mean(x), x.clone(), call=call("running_mean", x))


@pytest.mark.parametrize(("n", "classes", "k"), [(4, 6, 2), (3, 5, 5), (1, 4, 1), (6, 3, 3)])
def test_top_k_classes_are_the_largest_first(n, classes, k):
    scores = data(n, classes)
    expected = torch.tensor(
        [sorted(range(classes), key=lambda c, row=row: -row[c])[:k] for row in scores.tolist()]
    )
    assert_tensor(top_k_classes(scores, k), expected, call=call("top_k_classes", scores, k))


def _variance_by_loop(x, dim):
    moved = x.double().movedim(dim, -1)
    flat = moved.reshape(-1, moved.shape[-1]).tolist()
    out = []
    for row in flat:
        mean = sum(row) / len(row)
        out.append(sum((v - mean) ** 2 for v in row) / (len(row) - 1))
    return torch.tensor(out, dtype=torch.float64).reshape(moved.shape[:-1]).to(x.dtype)


@pytest.mark.parametrize(
    ("shape", "dim"),
    [((10,), 0), ((4, 6), 1), ((4, 6), 0), ((2, 3, 5), -1), ((5, 2), 1), ((1, 6), 1)],
    ids=["10-0", "4x6-1", "4x6-0", "2x3x5--1", "5x2-1", "1x6-1"],
)
def test_sample_variance_divides_by_n_minus_1(shape, dim):
    x = data(*shape) * 2 + 1
    assert_tensor(
        sample_variance(x, dim),
        _variance_by_loop(x, dim),
        call=call("sample_variance", x, dim),
        rtol=1e-5,
    )


def test_sample_variance_of_two_values():
    x = torch.tensor([[1.0, 3.0], [2.0, 2.0]])
    # mean 2, squared deviations 1 + 1, divided by n - 1 = 1
    assert_tensor(
        sample_variance(x, 1), torch.tensor([2.0, 0.0]), call=call("sample_variance", x, 1)
    )
