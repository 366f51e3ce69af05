import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from vectorize_the_loop import class_sums, masked_mean, moving_average, pairwise_distances

from kata_helpers import assert_equal, assert_tensor, call

# A vectorised function dispatches a handful of tensor operations whatever the input's size; a
# Python loop dispatches at least one per row. The inputs below have far more rows than BUDGET.
BUDGET = 20


class OperationCounter(TorchDispatchMode):
    """Counts the ATen operations dispatched while it is active (deterministic, no clock)."""

    def __init__(self):
        super().__init__()
        self.names = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.append(func.__name__)
        return func(*args, **(kwargs or {}))


def count_operations(fn, *args):
    with OperationCounter() as counter:
        fn(*args)
    return counter.names


def assert_vectorised(fn, small_args, large_args, size_word):
    small = count_operations(fn, *small_args)
    large = count_operations(fn, *large_args)
    if len(large) > BUDGET:
        common = max(set(large), key=large.count)
        raise AssertionError(
            f"{fn.__name__} dispatched {len(large)} tensor operations for {size_word} "
            f"({len(small)} for the small input), expected at most {BUDGET} whatever the size.\n"
            f"  most frequent: {common} x {large.count(common)}; a Python loop over rows, classes "
            f"or positions shows up as one operation per iteration: replace it by broadcasting, "
            f"a mask or an indexed reduction"
        )


def data(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def labels_for(n, num_classes, seed=1):
    return torch.randint(0, num_classes, (n,), generator=torch.Generator().manual_seed(seed))


# The loops, as the docstrings write them: the reference for every value test.


def loop_pairwise_distances(x, y):
    out = torch.empty(x.shape[0], y.shape[0], dtype=x.dtype)
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = (x[i] - y[j]).norm()
    return out


def loop_class_sums(values, labels, num_classes):
    out = torch.zeros(num_classes, values.shape[1], dtype=values.dtype)
    for n in range(values.shape[0]):
        out[labels[n]] += values[n]
    return out


def loop_masked_mean(x, lengths):
    out = torch.empty(x.shape[0], x.shape[2], dtype=x.dtype)
    for b in range(x.shape[0]):
        out[b] = x[b, : lengths[b]].mean(dim=0)
    return out


def loop_moving_average(x, window):
    length = x.shape[-1] - window + 1
    out = torch.empty(*x.shape[:-1], length, dtype=x.dtype)
    for i in range(length):
        out[..., i] = x[..., i : i + window].mean(dim=-1)
    return out


# Task 1: pairwise distances


@pytest.mark.parametrize(
    ("n", "m", "d"),
    [
        pytest.param(1, 1, 3, id="one-pair"),
        pytest.param(4, 6, 3, id="4x6-points-in-3d"),
        pytest.param(7, 5, 16, id="7x5-points-in-16d"),
        pytest.param(40, 30, 8, id="40x30-points"),
    ],
)
def test_pairwise_distances_equals_the_loop(n, m, d):
    x, y = data(n, d, seed=0), data(m, d, seed=1)
    result = pairwise_distances(x, y)
    expected = loop_pairwise_distances(x, y)
    assert_tensor(result, expected, call=call("pairwise_distances", x, y), rtol=1e-4, atol=1e-4)


def test_pairwise_distances_keeps_float64():
    x, y = data(3, 4, seed=2, dtype=torch.float64), data(5, 4, seed=3, dtype=torch.float64)
    result = pairwise_distances(x, y)
    assert_tensor(result, loop_pairwise_distances(x, y), call=call("pairwise_distances", x, y))


def test_pairwise_distances_of_repeated_points_are_zero_never_nan():
    # Far from the origin, |x|^2 + |y|^2 - 2 x.y rounds to a tiny negative for equal points.
    x = data(30, 8, seed=4) * 10 + 100
    y = x.flip(0)
    result = pairwise_distances(x, y)
    expected = loop_pairwise_distances(x, y)
    if not torch.isfinite(result).all():
        raise AssertionError(
            f"{call('pairwise_distances', x, y)} returned {int((~torch.isfinite(result)).sum())} "
            f"nan or inf distances between equal points: a squared distance that rounds below 0 "
            f"has no square root; clamp it at 0 before the root, or subtract the points"
        )
    assert_tensor(result, expected, call=call("pairwise_distances", x, y), atol=0.5)


def test_pairwise_distances_dispatches_a_few_operations_whatever_the_size():
    assert_vectorised(
        pairwise_distances,
        (data(3, 4, seed=5), data(2, 4, seed=6)),
        (data(60, 4, seed=7), data(50, 4, seed=8)),
        "60 x 50 points",
    )


# Task 2: class sums


@pytest.mark.parametrize(
    ("n", "num_classes"),
    [
        pytest.param(1, 1, id="one-row"),
        pytest.param(12, 3, id="many-repeats"),
        pytest.param(5, 9, id="empty-classes"),
    ],
)
def test_class_sums_equals_the_loop_with_repeated_labels(n, num_classes):
    values, labels = data(n, 4, seed=9), labels_for(n, num_classes)
    result = class_sums(values, labels, num_classes)
    expected = loop_class_sums(values, labels, num_classes)
    assert_tensor(result, expected, call=call("class_sums", values, labels, num_classes), atol=1e-5)


def test_class_sums_counts_every_repeat_of_a_label():
    values = torch.ones(6, 2, dtype=torch.float64)
    labels = torch.tensor([2, 2, 2, 0, 2, 0])
    result = class_sums(values, labels, 4)
    expected = torch.tensor([[2.0, 2.0], [0.0, 0.0], [4.0, 4.0], [0.0, 0.0]], dtype=torch.float64)
    assert_tensor(result, expected, call=call("class_sums", values, labels, 4))


def test_class_sums_dispatches_a_few_operations_whatever_the_size():
    # Rows and classes both grow: a loop over either one shows up in the count.
    assert_vectorised(
        class_sums,
        (data(4, 3, seed=10), labels_for(4, 5), 5),
        (data(200, 3, seed=11), labels_for(200, 40), 40),
        "200 rows in 40 classes",
    )


# Task 3: masked mean


def padded(batch, steps, features, lengths, seed=12):
    x = data(batch, steps, features, seed=seed)
    for b, length in enumerate(lengths):
        x[b, length:] = 1e6  # padding: large, so any of it in the mean shows
    return x, torch.tensor(lengths)


@pytest.mark.parametrize(
    "lengths",
    [
        pytest.param([3], id="one-full-sequence"),
        pytest.param([1, 3, 2], id="ragged"),
        pytest.param([5, 1, 4, 5, 2], id="ragged-with-full-and-single-steps"),
    ],
)
def test_masked_mean_equals_the_loop_and_ignores_the_padding(lengths):
    x, lengths = padded(len(lengths), max(lengths), 3, lengths)
    result = masked_mean(x, lengths)
    expected = loop_masked_mean(x, lengths)
    assert_tensor(result, expected, call=call("masked_mean", x, lengths), atol=1e-5)


def test_masked_mean_is_made_on_the_inputs_device():
    x = torch.empty(3, 4, 2, device="meta")
    lengths = torch.empty(3, dtype=torch.int64, device="meta")
    where = "masked_mean(x: (3, 4, 2) on meta, lengths: (3,) on meta)"
    try:
        result = masked_mean(x, lengths)
    except NotImplementedError as error:
        if "meta" not in str(error):
            raise  # the task is still to do
        raise AssertionError(
            f"{where} read a value back to Python (.tolist(), .item(), int(t)), which a meta "
            f"tensor does not have: a vectorised version keeps every value in tensors"
        ) from error
    except RuntimeError as error:
        raise AssertionError(
            f"{where} failed: {error}\n  make every tensor you create on x's device"
        ) from error
    assert_equal(result.device, torch.device("meta"), call=f"{where}.device")
    assert_equal(tuple(result.shape), (3, 2), call=f"{where}.shape")


def test_masked_mean_dispatches_a_few_operations_whatever_the_size():
    small = padded(2, 4, 3, [4, 2])
    large = padded(100, 6, 3, [1 + b % 6 for b in range(100)])
    assert_vectorised(masked_mean, small, large, "a batch of 100 sequences")


# Task 4: moving average


@pytest.mark.parametrize(
    ("shape", "window"),
    [
        pytest.param((6,), 1, id="window-1"),
        pytest.param((6,), 3, id="window-3"),
        pytest.param((6,), 6, id="window-is-the-whole-series"),
        pytest.param((2, 3, 9), 4, id="batched-series"),
    ],
)
def test_moving_average_equals_the_loop(shape, window):
    x = data(*shape, seed=13)
    result = moving_average(x, window)
    expected = loop_moving_average(x, window)
    assert_tensor(result, expected, call=call("moving_average", x, window), atol=1e-5)


def test_moving_average_dispatches_a_few_operations_whatever_the_length():
    assert_vectorised(
        lambda x: moving_average(x, 3),
        (data(5, seed=14),),
        (data(300, seed=15),),
        "a series of 300 values",
    )
