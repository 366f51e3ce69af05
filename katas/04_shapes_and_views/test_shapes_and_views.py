import pytest
import torch
from shapes_and_views import (
    broadcast_rows,
    flatten_features,
    merge_heads,
    repeat_rows,
    shares_memory,
    split_heads,
    to_nhwc,
    to_vector,
)

from kata_helpers import (
    assert_equal,
    assert_new_storage,
    assert_same_storage,
    assert_tensor,
    call,
    case_id,
)


def data(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _split_by_loop(x, num_heads):
    batch, steps, channels = x.shape
    head_size = channels // num_heads
    out = torch.empty(batch, num_heads, steps, head_size)
    for b in range(batch):
        for h in range(num_heads):
            for t in range(steps):
                out[b, h, t] = x[b, t, h * head_size : (h + 1) * head_size]
    return out


SPLITS = [((2, 3, 8), 4), ((1, 5, 6), 2), ((3, 1, 4), 1), ((2, 4, 6), 6)]


@pytest.mark.parametrize(("shape", "num_heads"), SPLITS, ids=[case_id(c) for c in SPLITS])
def test_split_heads_puts_each_heads_channels_together(shape, num_heads):
    x = data(*shape)
    result = split_heads(x, num_heads)
    assert_tensor(result, _split_by_loop(x, num_heads), call=call("split_heads", x, num_heads))


def test_split_heads_is_a_view():
    x = data(2, 3, 8)
    result = split_heads(x, 4)
    assert_same_storage(result, x, call=call("split_heads", x, 4))


@pytest.mark.parametrize(("shape", "num_heads"), SPLITS, ids=[case_id(c) for c in SPLITS])
def test_merge_heads_undoes_a_transposed_split(shape, num_heads):
    batch, steps, channels = shape
    # built the way attention code builds it: a non-contiguous (B, nh, T, hs) tensor
    heads = data(batch, steps, num_heads, channels // num_heads).transpose(1, 2)
    expected = torch.empty(shape)
    for b in range(batch):
        for t in range(steps):
            expected[b, t] = torch.cat([heads[b, h, t] for h in range(num_heads)])
    assert_tensor(merge_heads(heads), expected, call=call("merge_heads", heads))


def test_merge_heads_of_a_contiguous_tensor():
    heads = torch.arange(24.0).reshape(1, 2, 3, 4)  # (B, nh, T, hs)
    expected = torch.cat([heads[0, 0], heads[0, 1]], dim=1).unsqueeze(0)  # (1, T, nh * hs)
    assert_tensor(merge_heads(heads), expected, call=call("merge_heads", heads))


@pytest.mark.parametrize(
    "shape", [(2, 3, 4, 5), (1, 1, 2, 2), (3, 2, 1, 4)], ids=["2x3x4x5", "1x1x2x2", "3x2x1x4"]
)
def test_to_nhwc_moves_channels_to_the_end(shape):
    images = torch.arange(torch.Size(shape).numel(), dtype=torch.float32).reshape(shape)
    n, c, h, w = shape
    expected = torch.empty(n, h, w, c)
    for y in range(h):
        for x in range(w):
            expected[:, y, x, :] = images[:, :, y, x]
    result = to_nhwc(images)
    assert_tensor(result, expected, call=call("to_nhwc", images))
    assert_same_storage(result, images, call=call("to_nhwc", images))


@pytest.mark.parametrize(
    "shape",
    [(4, 3, 2, 2), (1, 5), (1, 2, 3), (3, 1, 1, 1)],
    ids=["4x3x2x2", "1x5", "1x2x3", "3x1x1x1"],
)
def test_flatten_features_keeps_the_batch_dimension(shape):
    x = data(*shape)
    expected = torch.stack([torch.tensor(sample.tolist()).flatten() for sample in x])
    assert_tensor(flatten_features(x), expected, call=call("flatten_features", x))


def test_flatten_features_of_a_non_contiguous_tensor():
    x = data(2, 4, 3, 5).permute(0, 3, 1, 2)  # (2, 5, 4, 3), not contiguous
    expected = torch.stack([torch.tensor(sample.tolist()).flatten() for sample in x])
    assert_tensor(flatten_features(x), expected, call=call("flatten_features", x))


@pytest.mark.parametrize("n", [4, 1])
def test_to_vector_drops_only_the_column_dimension(n):
    column = data(n, 1)
    expected = torch.tensor([row[0] for row in column.tolist()])
    assert_tensor(to_vector(column), expected, call=call("to_vector", column))


@pytest.mark.parametrize(("size", "n"), [(3, 4), (5, 1), (1, 3)])
def test_broadcast_rows_stacks_the_row(size, n):
    row = data(size)
    expected = torch.tensor([row.tolist()] * n)
    assert_tensor(broadcast_rows(row, n), expected, call=call("broadcast_rows", row, n))


def test_broadcast_rows_uses_no_new_memory():
    row = data(1000)
    result = broadcast_rows(row, 500)
    assert_same_storage(result, row, call=call("broadcast_rows", row, 500))
    row[7] = 42.0
    assert bool((result[:, 7] == 42.0).all()), (
        "broadcast_rows(row, 500) does not follow row: after row[7] = 42, some rows of the result "
        "still hold the old value, so it copied the data."
    )


@pytest.mark.parametrize(("size", "n"), [(3, 4), (5, 1), (1, 3)])
def test_repeat_rows_stacks_the_row(size, n):
    row = data(size)
    expected = torch.tensor([row.tolist()] * n)
    assert_tensor(repeat_rows(row, n), expected, call=call("repeat_rows", row, n))


def test_repeat_rows_can_be_written_one_row_at_a_time():
    row = torch.tensor([1.0, 2.0, 3.0])
    result = repeat_rows(row, 3)
    assert_new_storage(result, row, call=call("repeat_rows", row, 3))
    result[0, 0] = 99.0
    expected = torch.tensor([[99.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    assert_tensor(result, expected, call="repeat_rows(row, 3) after result[0, 0] = 99")
    assert_tensor(row, torch.tensor([1.0, 2.0, 3.0]), call="row after result[0, 0] = 99")


def _pairs():
    x = data(4, 5)
    return [
        ("x, x[1:]", x, x[1:], True),
        ("x, x[2, 3:]", x, x[2, 3:], True),
        ("x.t(), x", x.t(), x, True),
        ("x[1:3], x.view(-1)", x[1:3], x.view(-1), True),
        ("x[0].expand(3, 5), x", x[0].expand(3, 5), x, True),
        ("x, x.clone()", x, x.clone(), False),
        ("x, x.t().contiguous()", x, x.t().contiguous(), False),
        ("x, x[[0, 2]]", x, x[[0, 2]], False),
        ("x, torch.zeros_like(x)", x, torch.zeros_like(x), False),
    ]


@pytest.mark.parametrize("index", range(9))
def test_shares_memory_tells_views_from_copies(index):
    text, a, b, expected = _pairs()[index]
    assert_equal(shares_memory(a, b), expected, call=f"shares_memory({text})")
