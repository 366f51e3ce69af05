import pytest
import torch
from splits_and_metrics import (
    accuracy,
    confusion_matrix,
    macro_f1,
    precision_recall_f1,
    split_dataset,
)
from torch.utils.data import TensorDataset

from kata_helpers import assert_equal, assert_tensor, call


def make_predictions(n, num_classes, seed):
    generator = torch.Generator().manual_seed(seed)
    targets = torch.randint(0, num_classes, (n,), generator=generator)
    # right about 60% of the time, so every cell of the confusion matrix gets used
    guesses = torch.randint(0, num_classes, (n,), generator=generator)
    right = torch.rand(n, generator=generator) < 0.6
    return torch.where(right, targets, guesses), targets


def indices_of(subset):
    return [int(subset[i][0]) for i in range(len(subset))]


# Task 1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "fractions", "sizes"),
    [(10, [0.7, 0.2, 0.1], [7, 2, 1]), (11, [0.5, 0.5], [6, 5]), (7, [0.8, 0.2], [6, 1])],
    ids=["10-[0.7,0.2,0.1]-[7,2,1]", "11-[0.5,0.5]-[6,5]", "7-[0.8,0.2]-[6,1]"],
)
def test_split_sizes_follow_the_fractions(n, fractions, sizes):
    parts = split_dataset(TensorDataset(torch.arange(n)), fractions, seed=0)
    got = [len(p) for p in parts]
    assert got == sizes, f"split_dataset(N={n}, {fractions}) gave sizes {got}, expected {sizes}"


def test_split_parts_are_disjoint_and_cover_the_dataset():
    parts = split_dataset(TensorDataset(torch.arange(50)), [0.6, 0.2, 0.2], seed=3)
    every = sorted(i for p in parts for i in indices_of(p))
    assert every == list(range(50)), "the parts overlap or miss samples"
    assert indices_of(parts[0]) != list(range(30)), "the first part is 0..29 in order: not random"


def test_split_is_the_same_for_the_same_seed_whatever_the_global_rng():
    dataset = TensorDataset(torch.arange(40))
    first = [indices_of(p) for p in split_dataset(dataset, [0.75, 0.25], seed=7)]
    torch.rand(5)  # other code draws from the global RNG in between
    again = [indices_of(p) for p in split_dataset(dataset, [0.75, 0.25], seed=7)]
    other = [indices_of(p) for p in split_dataset(dataset, [0.75, 0.25], seed=8)]
    assert first == again, (
        "split_dataset(..., seed=7) gave a different split the second time: pass random_split "
        "a torch.Generator seeded with the seed, not the global RNG"
    )
    assert first != other, "seeds 7 and 8 gave the same split: the seed is not used"


def test_split_leaves_the_global_rng_alone():
    torch.manual_seed(1)
    split_dataset(TensorDataset(torch.arange(20)), [0.5, 0.5], seed=7)
    after = torch.rand(3)
    torch.manual_seed(1)
    expected = torch.rand(3)
    assert torch.equal(after, expected), (
        "after split_dataset(..., seed=7) the global RNG gave different numbers than it would "
        "have without the split: the split reseeded or drew from it (torch.manual_seed(seed) "
        "resets everyone's random numbers); give random_split its own torch.Generator"
    )


# Task 2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (10, 1), (333, 2)])
def test_accuracy_is_the_fraction_correct(n, seed):
    predictions, targets = make_predictions(n, 3, seed)
    pairs = zip(predictions.tolist(), targets.tolist(), strict=True)
    expected = sum(p == t for p, t in pairs) / n
    got = accuracy(predictions, targets)
    assert isinstance(got, float), f"accuracy returned {type(got).__name__}, expected a float"
    assert abs(got - expected) < 1e-6, f"accuracy(...) of {n} samples = {got}, expected {expected}"


# Task 3 -----------------------------------------------------------------------------------


def loop_confusion(predictions, targets, num_classes):
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for p, t in zip(predictions.tolist(), targets.tolist(), strict=True):
        matrix[t, p] += 1
    return matrix


def test_confusion_matrix_rows_are_true_classes():
    predictions, targets = torch.tensor([1, 1, 2, 0]), torch.tensor([0, 1, 2, 2])
    expected = torch.tensor([[0, 1, 0], [0, 1, 0], [1, 0, 1]])
    got = confusion_matrix(predictions, targets, 3)
    assert_tensor(got, expected, call=call("confusion_matrix", predictions, targets, 3))


@pytest.mark.parametrize(("n", "num_classes", "seed"), [(200, 4, 0), (1, 2, 1), (50, 6, 2)])
def test_confusion_matrix_equals_a_loop(n, num_classes, seed):
    predictions, targets = make_predictions(n, num_classes, seed)
    expected = loop_confusion(predictions, targets, num_classes)
    got = confusion_matrix(predictions, targets, num_classes)
    assert_tensor(got, expected, call=call("confusion_matrix", predictions, targets, num_classes))


def test_confusion_matrix_keeps_classes_that_never_occur():
    predictions, targets = torch.tensor([0, 0, 1]), torch.tensor([0, 1, 1])
    try:
        got = confusion_matrix(predictions, targets, 4)
    except RuntimeError as error:
        if "shape" not in str(error) and "size" not in str(error):
            raise
        raise AssertionError(
            f"{call('confusion_matrix', predictions, targets, 4)} raised RuntimeError: {error}\n"
            f"  Only classes 0 and 1 occur here, so a count of the pairs is shorter than 4 * 4 "
            f"= 16 unless you ask for every cell: torch.bincount(..., minlength=num_classes ** 2) "
            f"counts the pairs that never occur too, as zeros"
        ) from None
    expected = torch.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    assert_tensor(got, expected, call=call("confusion_matrix", predictions, targets, 4))


# Task 4 -----------------------------------------------------------------------------------


def loop_scores(predictions, targets, num_classes):
    precision, recall, f1 = [], [], []
    for c in range(num_classes):
        pairs = list(zip(predictions.tolist(), targets.tolist(), strict=True))
        tp = sum(p == c and t == c for p, t in pairs)
        predicted = sum(p == c for p, _ in pairs)
        actual = sum(t == c for _, t in pairs)
        pr = tp / predicted if predicted else 0.0
        rc = tp / actual if actual else 0.0
        precision.append(pr)
        recall.append(rc)
        f1.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return [torch.tensor(v, dtype=torch.float32) for v in (precision, recall, f1)]


def test_precision_and_recall_of_a_small_example():
    # class 1: predicted 3 times (2 right), truly present 4 times (2 found)
    predictions = torch.tensor([1, 1, 1, 0, 0, 0])
    targets = torch.tensor([1, 1, 0, 1, 1, 0])
    precision, recall, f1 = precision_recall_f1(predictions, targets, 2)
    name = call("precision_recall_f1", predictions, targets, 2)
    assert_tensor(precision, torch.tensor([1 / 3, 2 / 3]), call=f"{name}[0] (precision)")
    assert_tensor(recall, torch.tensor([1 / 2, 2 / 4]), call=f"{name}[1] (recall)")
    assert_tensor(f1, torch.tensor([0.4, 4 / 7]), call=f"{name}[2] (F1, the harmonic mean)")


@pytest.mark.parametrize(("n", "num_classes", "seed"), [(300, 3, 0), (40, 5, 1), (1, 2, 2)])
def test_precision_recall_f1_equal_a_loop(n, num_classes, seed):
    predictions, targets = make_predictions(n, num_classes, seed)
    expected = loop_scores(predictions, targets, num_classes)
    got = precision_recall_f1(predictions, targets, num_classes)
    name = call("precision_recall_f1", predictions, targets, num_classes)
    for what, g, e in zip(("precision", "recall", "F1"), got, expected, strict=True):
        assert_tensor(g, e, call=f"{name} ({what})")


def test_a_class_never_predicted_scores_zero_not_nan():
    predictions, targets = torch.tensor([0, 0, 0]), torch.tensor([0, 1, 2])
    precision, recall, f1 = precision_recall_f1(predictions, targets, 4)
    name = call("precision_recall_f1", predictions, targets, 4)
    assert_tensor(precision, torch.tensor([1 / 3, 0.0, 0.0, 0.0]), call=f"{name}[0] (precision)")
    assert_tensor(recall, torch.tensor([1.0, 0.0, 0.0, 0.0]), call=f"{name}[1] (recall)")
    assert_tensor(f1, torch.tensor([0.5, 0.0, 0.0, 0.0]), call=f"{name}[2] (F1)")


# Task 5 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "num_classes", "seed"), [(300, 3, 0), (25, 4, 5)])
def test_macro_f1_is_the_mean_of_the_class_f1s(n, num_classes, seed):
    predictions, targets = make_predictions(n, num_classes, seed)
    expected = float(loop_scores(predictions, targets, num_classes)[2].mean())
    got = macro_f1(predictions, targets, num_classes)
    assert isinstance(got, float), f"macro_f1 returned {type(got).__name__}, expected a float"
    assert abs(got - expected) < 1e-6, f"macro_f1(...) = {got}, expected {expected}"


def test_macro_f1_averages_over_every_class_even_those_that_never_occur():
    predictions, targets = torch.tensor([0, 1, 1, 2, 0]), torch.tensor([0, 1, 2, 2, 1])
    expected = float(loop_scores(predictions, targets, 4)[2].mean())  # class 3 counts as 0
    got = macro_f1(predictions, targets, 4)
    assert abs(got - expected) < 1e-6, (
        f"{call('macro_f1', predictions, targets, 4)} = {got}, expected {expected}: the mean "
        f"of all 4 per-class F1s, class 3 (never predicted, never present) counting as 0"
    )


def test_macro_f1_punishes_ignoring_the_rare_class():
    targets = torch.tensor([0] * 9 + [1])
    predictions = torch.zeros(10, dtype=torch.int64)  # always the majority class
    got = macro_f1(predictions, targets, 2)
    assert_equal(round(got, 6), round((18 / 19) / 2, 6), call="macro_f1(all zeros, 9:1 targets)")
    assert accuracy(predictions, targets) == pytest.approx(0.9), "accuracy would say 0.9"
