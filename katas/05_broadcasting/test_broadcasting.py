import pytest
import torch
from broadcasting import (
    broadcast_shape,
    normalize_channels,
    normalize_rows,
    outer_sum,
    pairwise_distances,
    standardize_columns,
)

from kata_helpers import assert_equal, assert_tensor, call


def data(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "expected"),
    [
        ((8, 1, 6), (7, 1), (8, 7, 6)),
        ((5, 4), (4,), (5, 4)),
        ((4,), (5, 4), (5, 4)),
        ((3, 1), (1, 4), (3, 4)),
        ((2, 3), (), (2, 3)),
        ((), (), ()),
        ((6, 1, 1), (2, 1), (6, 2, 1)),
        ((0,), (1,), (0,)),
        ((1, 3, 1), (2, 1, 1, 5), (2, 1, 3, 5)),
    ],
    ids=[
        "8x1x6-7x1-8x7x6",
        "5x4-4-5x4",
        "4-5x4-5x4",
        "3x1-1x4-3x4",
        "2x3-scalar-2x3",
        "scalar-scalar-scalar",
        "6x1x1-2x1-6x2x1",
        "0-1-0",
        "1x3x1-2x1x1x5-2x1x3x5",
    ],
)
def test_broadcast_shape_lines_dimensions_up_from_the_right(shape_a, shape_b, expected):
    result = broadcast_shape(shape_a, shape_b)
    where = call("broadcast_shape", shape_a, shape_b)
    # any tuple will do, torch.Size included
    assert isinstance(result, tuple), f"{where} returned {result!r}, expected a tuple: {expected}"
    assert_equal(tuple(result), expected, call=where)


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((3,), (4,)), ((2, 3), (3, 2)), ((5, 4), (5,)), ((0,), (3,))],
    ids=["3-4", "2x3-3x2", "5x4-5", "0-3"],
)
def test_broadcast_shape_rejects_incompatible_shapes(shape_a, shape_b):
    with pytest.raises(ValueError):
        result = broadcast_shape(shape_a, shape_b)
        raise AssertionError(
            f"{call('broadcast_shape', shape_a, shape_b)} returned {result!r}; these shapes "
            "cannot broadcast, so it should raise ValueError"
        )


@pytest.mark.parametrize(("m", "n"), [(3, 4), (4, 3), (5, 5), (1, 6), (2, 1)])
def test_outer_sum_adds_every_pair(m, n):
    a, b = data(m), data(n, seed=1)
    expected = torch.tensor([[a[i].item() + b[j].item() for j in range(n)] for i in range(m)])
    assert_tensor(outer_sum(a, b), expected, call=call("outer_sum", a, b))


def _distances_by_loop(x, y):
    x, y = x.double(), y.double()
    return torch.tensor(
        [[((x[i] - y[j]) ** 2).sum().sqrt().item() for j in range(len(y))] for i in range(len(x))]
    )


@pytest.mark.parametrize(("m", "n", "d"), [(4, 6, 3), (6, 4, 3), (5, 5, 2), (1, 3, 7), (3, 1, 1)])
def test_pairwise_distances_match_a_loop(m, n, d):
    x, y = data(m, d), data(n, d, seed=1)
    expected = _distances_by_loop(x, y).float()
    assert_tensor(
        pairwise_distances(x, y),
        expected,
        call=call("pairwise_distances", x, y),
        rtol=1e-4,
        atol=1e-3,
    )


def test_pairwise_distances_of_a_set_to_itself_have_a_zero_diagonal_not_nan():
    x = data(20, 8, seed=1)
    result = pairwise_distances(x, x)
    assert_tensor(
        result.diagonal(), torch.zeros(20), call="pairwise_distances(x, x).diagonal()", atol=1e-2
    )
    assert_tensor(
        result, _distances_by_loop(x, x).float(), call=call("pairwise_distances", x, x), atol=1e-2
    )


@pytest.mark.parametrize(
    "shape", [(3, 5), (5, 3), (4, 4), (1, 6), (6, 1)], ids=["3x5", "5x3", "4x4", "1x6", "6x1"]
)
def test_normalize_rows_makes_every_row_sum_to_one(shape):
    x = data(*shape).abs() + 0.1
    expected = torch.stack([row / row.sum() for row in x])
    assert_tensor(normalize_rows(x), expected, call=call("normalize_rows", x))


def _standardize_by_loop(x):
    x = x.double()
    columns = []
    for column in x.T:
        mean = column.sum() / len(column)
        std = (((column - mean) ** 2).sum() / len(column)).sqrt()
        columns.append((column - mean) / std)
    return torch.stack(columns, dim=1)


@pytest.mark.parametrize(
    "shape", [(10, 3), (3, 10), (6, 6), (2, 1)], ids=["10x3", "3x10", "6x6", "2x1"]
)
def test_standardize_columns_gives_each_feature_mean_0_and_std_1(shape):
    x = data(*shape) * 5 + 3
    expected = _standardize_by_loop(x).float()
    assert_tensor(
        standardize_columns(x), expected, call=call("standardize_columns", x), atol=1e-5, rtol=1e-5
    )


@pytest.mark.parametrize(
    ("n", "c", "h", "w"), [(2, 3, 4, 5), (2, 3, 3, 3), (1, 1, 2, 2), (3, 4, 1, 4)]
)
def test_normalize_channels_uses_each_channels_own_statistics(n, c, h, w):
    images = data(n, c, h, w).abs()
    mean, std = data(c, seed=1).abs(), data(c, seed=2).abs() + 0.5
    expected = torch.empty(n, c, h, w)
    for channel in range(c):
        expected[:, channel] = (images[:, channel] - mean[channel]) / std[channel]
    assert_tensor(
        normalize_channels(images, mean, std),
        expected,
        call=call("normalize_channels", images, mean, std),
    )
