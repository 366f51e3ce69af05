import pytest
import torch
import torch.nn.functional as F
from indexing_and_masking import (
    crop_center,
    lookup_rows,
    one_hot,
    pad_after,
    pick_scores,
    segment_sum,
    select_positive,
)

from kata_helpers import assert_same_storage, assert_tensor, call


def data(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def ints(high, *shape, seed=0):
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(seed))


def _crop_by_loop(images, size):
    height, width = images.shape[-2:]
    top, left = (height - size) // 2, (width - size) // 2
    rows = [[images[..., top + i, left + j] for j in range(size)] for i in range(size)]
    return torch.stack([torch.stack(row, dim=-1) for row in rows], dim=-2)


@pytest.mark.parametrize(
    ("shape", "size"),
    [((6, 6), 2), ((7, 10), 3), ((2, 3, 9, 5), 4), ((1, 4, 4), 4), ((5, 8), 1)],
    ids=["6x6-2", "7x10-3", "2x3x9x5-4", "1x4x4-4", "5x8-1"],
)
def test_crop_center_takes_the_middle_square(shape, size):
    images = torch.arange(torch.Size(shape).numel()).reshape(shape)
    result = crop_center(images, size)
    assert_tensor(result, _crop_by_loop(images, size), call=call("crop_center", images, size))


def test_crop_center_is_a_view_of_the_images():
    images = data(2, 8, 12)
    result = crop_center(images, 4)
    assert_same_storage(result, images, call=call("crop_center", images, 4))
    images[:, 4, 6] = 100.0
    assert bool((result[:, 2, 2] == 100.0).all()), (
        "crop_center(images, 4) does not follow the images: after images[:, 4, 6] = 100 the "
        "crop's [:, 2, 2] did not change (it should be the same element)."
    )


@pytest.mark.parametrize("ids_shape", [(5,), (2, 3), (1, 1)], ids=["5", "2x3", "1x1"])
def test_lookup_rows_picks_a_row_per_id(ids_shape):
    table = data(7, 4)
    ids = ints(7, *ids_shape, seed=3)
    expected = torch.stack([table[i] for i in ids.flatten().tolist()]).reshape(*ids_shape, 4)
    assert_tensor(lookup_rows(table, ids), expected, call=call("lookup_rows", table, ids))


def test_lookup_rows_with_repeated_and_scalar_ids():
    table = torch.arange(12.0).reshape(4, 3)
    ids = torch.tensor([3, 0, 3, 3])
    expected = torch.tensor([[9.0, 10, 11], [0, 1, 2], [9, 10, 11], [9, 10, 11]])
    assert_tensor(lookup_rows(table, ids), expected, call=call("lookup_rows", table, ids))
    scalar = torch.tensor(2)
    assert_tensor(
        lookup_rows(table, scalar),
        torch.tensor([6.0, 7, 8]),
        call=call("lookup_rows", table, scalar),
    )


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([1, 0, 0, 1, 1], [10.0, 40.0, 50.0]),
        ([0, 0, 0, 0, 0], []),
        ([1, 1, 1, 1, 1], [10.0, 20.0, 30.0, 40.0, 50.0]),
        ([0, 1, 0, 0, 0], [20.0]),
    ],
    ids=[
        "[1,0,0,1,1]-[10.0,40.0,50.0]",
        "[0,0,0,0,0]-[]",
        "[1,1,1,1,1]-[10.0,20.0,30.0,40.0,50.0]",
        "[0,1,0,0,0]-[20.0]",
    ],
)
def test_select_positive_keeps_the_flagged_values_in_order(flags, expected):
    values = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0])
    is_positive = torch.tensor(flags)
    assert_tensor(
        select_positive(values, is_positive),
        torch.tensor(expected),
        call=call("select_positive", values, is_positive),
    )


def test_select_positive_on_many_values():
    values = data(200)
    is_positive = ints(2, 200, seed=5)
    expected = torch.tensor(
        [v for v, f in zip(values.tolist(), is_positive.tolist(), strict=True) if f == 1]
    )
    assert_tensor(
        select_positive(values, is_positive),
        expected,
        call=call("select_positive", values, is_positive),
    )


def _pad_by_loop(tokens, lengths, pad_value):
    rows = tokens.tolist()
    for row, length in zip(rows, lengths.tolist(), strict=True):
        row[length:] = [pad_value] * (len(row) - length)
    return torch.tensor(rows, dtype=tokens.dtype)


@pytest.mark.parametrize(
    ("batch", "steps", "lengths"),
    [(3, 5, [5, 2, 0]), (1, 4, [3]), (4, 1, [1, 0, 1, 0])],
    ids=["3-5-[5,2,0]", "1-4-[3]", "4-1-[1,0,1,0]"],
)
def test_pad_after_replaces_every_position_past_the_length(batch, steps, lengths):
    tokens = ints(50, batch, steps, seed=1) + 1
    lengths = torch.tensor(lengths)
    before = tokens.clone()
    result = pad_after(tokens, lengths, 0)
    assert_tensor(
        result, _pad_by_loop(tokens, lengths, 0), call=call("pad_after", tokens, lengths, 0)
    )
    assert torch.equal(tokens, before), "pad_after changed its input `tokens`; return a new tensor"


def test_pad_after_with_a_negative_pad_value_keeps_the_dtype():
    tokens = torch.arange(12, dtype=torch.int32).reshape(3, 4)
    lengths = torch.tensor([1, 4, 2])
    expected = torch.tensor([[0, -1, -1, -1], [4, 5, 6, 7], [8, 9, -1, -1]], dtype=torch.int32)
    assert_tensor(
        pad_after(tokens, lengths, -1), expected, call=call("pad_after", tokens, lengths, -1)
    )


@pytest.mark.parametrize(("n", "classes"), [(5, 3), (3, 5), (1, 4), (8, 8)])
def test_pick_scores_takes_each_rows_target_column(n, classes):
    scores = data(n, classes)
    targets = ints(classes, n, seed=2)
    expected = torch.stack([scores[i, targets[i]] for i in range(n)])
    assert_tensor(pick_scores(scores, targets), expected, call=call("pick_scores", scores, targets))


def test_pick_scores_passes_gradients_to_the_picked_scores_only():
    scores = data(4, 6).double().requires_grad_()
    targets = torch.tensor([5, 0, 2, 2])
    pick_scores(scores, targets).sum().backward()
    assert scores.grad is not None, "pick_scores(scores, targets) is cut off from autograd"
    assert_tensor(
        scores.grad,
        F.one_hot(targets, 6).double(),
        call="gradient of pick_scores(scores, targets).sum() with respect to scores",
    )


@pytest.mark.parametrize(
    ("labels", "classes"),
    [([0, 2, 1, 2], 3), ([4], 5), ([0, 0, 0], 1)],
    ids=["[0,2,1,2]-3", "[4]-5", "[0,0,0]-1"],
)
def test_one_hot_has_a_single_one_per_row(labels, classes):
    labels = torch.tensor(labels)
    expected = F.one_hot(labels, classes).float()
    assert_tensor(one_hot(labels, classes), expected, call=call("one_hot", labels, classes))


def test_one_hot_with_more_rows_than_classes():
    labels = ints(3, 10, seed=4)
    expected = F.one_hot(labels, 3).float()
    assert_tensor(one_hot(labels, 3), expected, call=call("one_hot", labels, 3))


def _segment_sum_by_loop(values, segment_ids, num_segments):
    out = torch.zeros(num_segments, values.shape[1], dtype=values.dtype)
    for row, s in zip(values, segment_ids.tolist(), strict=True):
        out[s] += row
    return out


def test_segment_sum_adds_every_row_of_a_repeated_id():
    values = torch.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    segment_ids = torch.tensor([1, 1, 0, 1])
    expected = torch.tensor([[3.0, 30.0], [7.0, 70.0], [0.0, 0.0]])
    assert_tensor(
        segment_sum(values, segment_ids, 3),
        expected,
        call=call("segment_sum", values, segment_ids, 3),
    )


@pytest.mark.parametrize(("n", "dim", "segments"), [(50, 3, 7), (1, 4, 2), (30, 1, 30)])
def test_segment_sum_equals_a_loop(n, dim, segments):
    values = data(n, dim).double()
    segment_ids = ints(segments, n, seed=6)
    assert_tensor(
        segment_sum(values, segment_ids, segments),
        _segment_sum_by_loop(values, segment_ids, segments),
        call=call("segment_sum", values, segment_ids, segments),
    )


@pytest.mark.gpu
def test_pick_scores_and_one_hot_on_the_accelerator(device):
    scores = data(6, 4)
    targets = ints(4, 6, seed=7)
    expected = torch.stack([scores[i, targets[i]] for i in range(6)]).to(device)
    scores, targets = scores.to(device), targets.to(device)
    assert_tensor(pick_scores(scores, targets), expected, call=call("pick_scores", scores, targets))
    expected = F.one_hot(targets.cpu(), 4).float().to(device)
    assert_tensor(one_hot(targets, 4), expected, call=call("one_hot", targets, 4))


@pytest.mark.gpu
def test_masks_and_segment_sums_on_the_accelerator(device):
    tokens = ints(9, 3, 5, seed=8) + 1
    lengths = torch.tensor([2, 5, 0])
    expected = _pad_by_loop(tokens, lengths, 0).to(device)
    tokens, lengths = tokens.to(device), lengths.to(device)
    assert_tensor(
        pad_after(tokens, lengths, 0), expected, call=call("pad_after", tokens, lengths, 0)
    )
    values, segment_ids = data(40, 3), ints(5, 40, seed=9)
    expected = _segment_sum_by_loop(values, segment_ids, 5).to(device)
    values, segment_ids = values.to(device), segment_ids.to(device)
    assert_tensor(
        segment_sum(values, segment_ids, 5),
        expected,
        call=call("segment_sum", values, segment_ids, 5),
        rtol=1e-5,
        atol=1e-5,
    )
    flags = ints(2, 40, seed=10)
    expected = values[flags.to(device) == 1]
    assert_tensor(
        select_positive(values, flags.to(device)),
        expected,
        call=call("select_positive", values, flags),
    )


def _on_meta(result, what: str, shape: tuple[int, ...], dtype: torch.dtype) -> None:
    assert isinstance(result, torch.Tensor) and result.device.type == "meta", (
        f"{what} returned a tensor on {getattr(result, 'device', type(result).__name__)}, "
        f"expected one on its input's device (meta): create the new tensor with device=..."
    )
    assert (tuple(result.shape), result.dtype) == (shape, dtype), (
        f"{what} returned shape {tuple(result.shape)} dtype {result.dtype}, "
        f"expected {shape} {dtype}"
    )


def test_one_hot_and_segment_sum_stay_on_the_input_device_on_any_machine():
    # The "meta" device holds shapes and dtypes but no data: every machine has it.
    labels = torch.zeros(8, dtype=torch.int64, device="meta")
    _on_meta(one_hot(labels, 3), call("one_hot", labels, 3), (8, 3), torch.float32)
    values = torch.zeros(8, 2, dtype=torch.float64, device="meta")
    _on_meta(
        segment_sum(values, labels, 4),
        call("segment_sum", values, labels, 4),
        (4, 2),
        torch.float64,
    )
