import pytest
import torch
from early_stopping_and_validation import (
    EarlyStopping,
    cross_validate,
    fit_with_early_stopping,
    kfold_indices,
)
from torch import nn
from torch.nn import functional as F

from kata_helpers import assert_equal, assert_tensor, describe


def first_stop(values, patience, **options):
    """Feed values to a fresh EarlyStopping; the index of the first True (None if never)."""
    stopper = EarlyStopping(patience, **options)
    for index, value in enumerate(values):
        if stopper.step(value):
            return index, stopper
    return None, stopper


def what(values, patience, **options):
    settings = "".join(f", {k}={v!r}" for k, v in options.items())
    return f"EarlyStopping(patience={patience}{settings}) fed {values}"


@pytest.mark.parametrize(
    ("values", "patience", "options", "stop_at"),
    [
        ([5.0, 4.0, 3.0, 3.5, 3.2, 2.9], 2, {}, 4),
        ([5.0, 4.0, 3.0, 3.5, 3.2, 2.9], 3, {}, None),
        ([1.0, 2.0], 1, {}, 1),
        ([1.0, 1.0, 1.0], 2, {}, 2),
        ([3.0, 4.0, 2.0, 5.0, 1.0, 6.0, 0.5, 7.0], 2, {}, None),
        ([0.5, 0.6, 0.55, 0.7, 0.69, 0.68], 2, {"mode": "max"}, 5),
        ([0.5, 0.4, 0.3, 0.2], 2, {"mode": "max"}, 2),
        ([1.0, 0.95, 0.92, 0.85, 0.84], 2, {"min_delta": 0.1}, 2),
        ([1.0, 0.85, 0.80, 0.70, 0.65], 2, {"min_delta": 0.1}, None),
        ([0.5, 0.55, 0.58, 0.7], 2, {"mode": "max", "min_delta": 0.1}, 2),
        ([0.5, 0.65, 0.8, 0.95], 1, {"mode": "max", "min_delta": 0.1}, None),
    ],
    ids=[
        "[5.0,4.0,3.0,3.5,3.2,2.9]-2-defaults-4",
        "[5.0,4.0,3.0,3.5,3.2,2.9]-3-defaults-None",
        "[1.0,2.0]-1-defaults-1",
        "[1.0,1.0,1.0]-2-defaults-2",
        "[3.0,4.0,2.0,5.0,1.0,6.0,0.5,7.0]-2-defaults-None",
        "[0.5,0.6,0.55,0.7,0.69,0.68]-2-mode=max-5",
        "[0.5,0.4,0.3,0.2]-2-mode=max-2",
        "[1.0,0.95,0.92,0.85,0.84]-2-min_delta=0.1-2",
        "[1.0,0.85,0.8,0.7,0.65]-2-min_delta=0.1-None",
        "[0.5,0.55,0.58,0.7]-2-mode=max,min_delta=0.1-2",
        "[0.5,0.65,0.8,0.95]-1-mode=max,min_delta=0.1-None",
    ],
)
def test_early_stopping_stops_after_patience_epochs_in_a_row_without_improvement(
    values, patience, options, stop_at
):
    index, _ = first_stop(values, patience, **options)
    assert index == stop_at, (
        f"{what(values, patience, **options)} first returned True at index {index}, expected "
        f"{stop_at} (None: never). Stop when `patience` values IN A ROW fail to improve on the "
        f"best by more than min_delta; an improvement resets the count."
    )


@pytest.mark.parametrize(
    ("values", "options", "best", "best_epoch"),
    [
        ([5.0, 4.0, 4.5, 3.0, 3.5], {}, 3.0, 3),
        ([2.0, 2.0, 2.0], {}, 2.0, 0),
        ([0.1, 0.3, 0.2, 0.3], {"mode": "max"}, 0.3, 1),
        ([1.0, 0.95, 0.85, 0.8], {"min_delta": 0.1}, 0.85, 2),
        ([0.5, 0.55, 0.65, 0.7], {"mode": "max", "min_delta": 0.1}, 0.65, 2),
    ],
    ids=[
        "[5.0,4.0,4.5,3.0,3.5]-defaults-3.0-3",
        "[2.0,2.0,2.0]-defaults-2.0-0",
        "[0.1,0.3,0.2,0.3]-mode=max-0.3-1",
        "[1.0,0.95,0.85,0.8]-min_delta=0.1-0.85-2",
        "[0.5,0.55,0.65,0.7]-mode=max,min_delta=0.1-0.65-2",
    ],
)
def test_early_stopping_remembers_the_best_value_and_its_epoch(values, options, best, best_epoch):
    _, stopper = first_stop(values, 100, **options)
    actual = (stopper.best, stopper.best_epoch)
    assert actual == (best, best_epoch), (
        f"after {what(values, 100, **options)}: (best, best_epoch) is {actual}, expected "
        f"{(best, best_epoch)}; a tie is not an improvement, and best_epoch counts from 0"
    )


def test_early_stopping_returns_a_bool_each_epoch():
    stopper = EarlyStopping(1)
    answers = [stopper.step(v) for v in [3.0, 2.0, 2.5]]
    assert all(isinstance(a, bool) for a in answers) and answers == [False, False, True], (
        f"EarlyStopping(patience=1).step for 3.0, 2.0, 2.5 returned {answers}, "
        f"expected [False, False, True]"
    )


def test_early_stopping_keeps_saying_stop_until_the_metric_improves():
    stopper = EarlyStopping(2)
    answers = [stopper.step(v) for v in [1.0, 2.0, 3.0, 4.0, 5.0, 0.5]]
    expected = [False, False, True, True, True, False]
    assert answers == expected, (
        f"EarlyStopping(patience=2).step for 1.0, 2.0, 3.0, 4.0, 5.0, 0.5 returned {answers}, "
        f"expected {expected}: True as long as counter >= patience (not only when it equals "
        f"patience), False again after an improvement"
    )


def assert_folds_partition(pairs, n, k, call):
    assert isinstance(pairs, list) and len(pairs) == k, (
        f"{call} returned {describe(pairs)}, expected a list of {k} (train_idx, val_idx) pairs"
    )
    sizes = []
    for fold, (train_idx, val_idx) in enumerate(pairs):
        for name, idx in (("train_idx", train_idx), ("val_idx", val_idx)):
            assert isinstance(idx, torch.Tensor) and idx.dtype == torch.int64, (
                f"{call}: fold {fold}'s {name} is {describe(idx)}, expected an int64 tensor"
            )
        together = torch.cat([train_idx, val_idx]).sort().values
        assert_tensor(
            together,
            torch.arange(n),
            call=f"{call}: fold {fold}, sorted(train_idx + val_idx) (each index exactly once)",
        )
        sizes.append(len(val_idx))
    every_val = torch.cat([val for _, val in pairs]).sort().values
    assert_tensor(
        every_val,
        torch.arange(n),
        call=f"{call}: all validation folds together, sorted (each index validated exactly once)",
    )
    expected_sizes = [n // k + (1 if fold < n % k else 0) for fold in range(k)]
    assert sizes == expected_sizes, (
        f"{call}: validation fold sizes are {sizes}, expected {expected_sizes} "
        f"(n // k each, one more for the first n % k folds)"
    )


@pytest.mark.parametrize(("n", "k"), [(10, 5), (10, 3), (7, 7), (23, 4), (5, 2)])
def test_kfold_indices_split_in_consecutive_folds(n, k):
    pairs = kfold_indices(n, k)
    call = f"kfold_indices({n}, {k})"
    assert_folds_partition(pairs, n, k, call)
    start = 0
    for fold, (_, val_idx) in enumerate(pairs):
        expected = torch.arange(start, start + len(val_idx))
        assert_tensor(val_idx, expected, call=f"{call}: val_idx of fold {fold}")
        start += len(val_idx)


@pytest.mark.parametrize(("n", "k"), [(20, 4), (11, 3)])
def test_kfold_indices_with_shuffle_are_seeded_and_still_a_partition(n, k):
    call = f"kfold_indices({n}, {k}, shuffle=True, generator=torch.Generator().manual_seed(3))"
    first = kfold_indices(n, k, shuffle=True, generator=torch.Generator().manual_seed(3))
    again = kfold_indices(n, k, shuffle=True, generator=torch.Generator().manual_seed(3))
    assert_folds_partition(first, n, k, call)
    for fold, ((_, a), (_, b)) in enumerate(zip(first, again, strict=True)):
        assert_tensor(b, a, call=f"{call} called twice: val_idx of fold {fold} the second time")
    consecutive = torch.cat([val for _, val in first])
    assert not torch.equal(consecutive, torch.arange(n)), (
        f"{call}: the folds are not shuffled, fold 0 starts at 0 and they run in order"
    )


def test_cross_validate_scores_each_fold_on_data_it_was_not_fitted_on():
    inputs = torch.arange(10.0).unsqueeze(1)  # each row holds its own index
    targets = torch.arange(10.0) * 2
    seen = []

    def fit_and_score(train_x, train_y, val_x, val_y):
        seen.append((train_x.flatten().tolist(), val_x.flatten().tolist()))
        assert torch.equal(train_y, train_x.flatten() * 2), "targets do not follow their inputs"
        assert torch.equal(val_y, val_x.flatten() * 2), "targets do not follow their inputs"
        return (val_y - train_y.mean()).pow(2).mean()  # predict the training mean

    scores = cross_validate(inputs, targets, 3, fit_and_score)
    folds = [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    expected = []
    for val in folds:
        train = [i for i in range(10) if i not in val]
        prediction = sum(2 * i for i in train) / len(train)
        expected.append(sum((2 * i - prediction) ** 2 for i in val) / len(val))
    got = [(sorted(t), sorted(v)) for t, v in seen]
    want = [(sorted(set(range(10)) - set(v)), v) for v in folds]
    assert got == want, (
        f"cross_validate(10 rows, k=3) called fit_and_score with (train rows, val rows) "
        f"{got}, expected {want}"
    )
    assert isinstance(scores, list) and all(isinstance(s, float) for s in scores), (
        f"cross_validate returned {describe(scores)}, expected a list of Python floats"
    )
    assert scores == pytest.approx(expected), (
        f"cross_validate returned {scores}, expected the fold scores {expected}"
    )


def overfitting_problem(seed: int = 0):
    """10 noisy training points and a wide network: the validation loss soon turns upwards."""
    gen = torch.Generator().manual_seed(seed)
    weights = torch.randn(4, 1, generator=gen)

    def data(n):
        x = torch.randn(n, 4, generator=gen)
        return x, x @ weights + 0.8 * torch.randn(n, 1, generator=gen)

    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Dropout(0.1), nn.Linear(64, 1))
    return model, data(10), data(100)


def validation_loss(model, val):
    model.eval()
    with torch.no_grad():
        return F.mse_loss(model(val[0]), val[1]).item()


@pytest.fixture(scope="module")
def overfit_run():
    model, train, val = overfitting_problem()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    history = fit_with_early_stopping(model, optimizer, F.mse_loss, train, val, 300, 10)
    return model, val, history


def test_fit_records_one_train_and_one_val_loss_per_epoch(overfit_run):
    _, _, history = overfit_run
    assert isinstance(history, dict) and {"train_loss", "val_loss", "best_epoch"} <= set(history), (
        f"fit_with_early_stopping returned {describe(history)}, expected a dict with "
        f"train_loss, val_loss and best_epoch"
    )
    assert len(history["train_loss"]) == len(history["val_loss"]) > 0, (
        f"fit_with_early_stopping recorded {len(history['train_loss'])} train losses and "
        f"{len(history['val_loss'])} validation losses, expected one of each per epoch"
    )


def test_fit_stops_patience_epochs_after_the_best_validation_loss(overfit_run):
    _, _, history = overfit_run
    val_loss = history["val_loss"]
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    assert_equal(history["best_epoch"], best, call="history['best_epoch'] (the lowest val_loss)")
    assert len(val_loss) == best + 10 + 1 < 300, (
        f"fit_with_early_stopping(max_epochs=300, patience=10) on a model that overfits ran "
        f"{len(val_loss)} epochs with the best at epoch {best}: it should stop 10 epochs after the "
        f"best, after {best + 11} epochs"
    )


def test_fit_restores_the_weights_of_the_best_epoch(overfit_run):
    model, val, history = overfit_run
    best = min(history["val_loss"])
    restored = validation_loss(model, val)
    assert restored == pytest.approx(best, rel=1e-5), (
        f"after fit_with_early_stopping the model's validation loss (eval mode) is {restored}, "
        f"expected the best recorded one, {best}: keep a copy of the best weights "
        f"(copy.deepcopy(model.state_dict())) and load it at the end; the recorded losses must be "
        f"measured in eval mode"
    )


def test_fit_runs_every_epoch_while_the_validation_loss_keeps_falling():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(64, 3, generator=gen)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    history = fit_with_early_stopping(model, optimizer, F.mse_loss, (x, y), (x, y), 25, 3)
    assert len(history["val_loss"]) == 25 and history["best_epoch"] == 24, (
        f"fit_with_early_stopping(max_epochs=25, patience=3) on a loss that falls every epoch ran "
        f"{len(history['val_loss'])} epochs with best_epoch {history['best_epoch']}, expected 25 "
        f"epochs and best_epoch 24"
    )
    assert history["val_loss"][-1] < history["val_loss"][0], "the validation loss did not fall"


def test_fit_records_the_loss_of_each_step_then_the_validation_loss_after_it():
    gen = torch.Generator().manual_seed(2)
    true_weights = torch.tensor([[1.0], [-2.0], [0.5]])
    x, val_x = torch.randn(32, 3, generator=gen), torch.randn(16, 3, generator=gen)
    y = x @ true_weights + 0.1 * torch.randn(32, 1, generator=gen)
    val_y = val_x @ true_weights
    torch.manual_seed(3)
    model, reference = nn.Linear(3, 1), nn.Linear(3, 1)
    reference.load_state_dict(model.state_dict())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit_with_early_stopping(model, optimizer, F.mse_loss, (x, y), (val_x, val_y), 5, 3)

    reference_optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
    expected_train, expected_val = [], []
    for _ in range(5):
        reference_optimizer.zero_grad()
        loss = F.mse_loss(reference(x), y)
        loss.backward()
        reference_optimizer.step()
        expected_train.append(loss.item())
        expected_val.append(validation_loss(reference, (val_x, val_y)))
    call = "fit_with_early_stopping(nn.Linear(3, 1), SGD(lr=0.1), mse_loss, ..., max_epochs=5, ...)"
    assert history["train_loss"] == pytest.approx(expected_train, rel=1e-5), (
        f"{call} recorded train_loss {history['train_loss']}, expected {expected_train}: the "
        f"loss of each epoch's step, computed before optimizer.step() updates the weights"
    )
    assert history["val_loss"] == pytest.approx(expected_val, rel=1e-5), (
        f"{call} recorded val_loss {history['val_loss']}, expected {expected_val}: the "
        f"validation loss of the weights AFTER that epoch's optimizer.step()"
    )


class Recorder(nn.Module):
    """A linear model with dropout that records, at every forward, whether it was in training
    mode and whether autograd was recording."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.dropout = nn.Dropout(0.2)
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.linear(self.dropout(x))


def test_fit_trains_in_train_mode_and_validates_in_eval_mode_without_autograd_every_epoch():
    gen = torch.Generator().manual_seed(4)
    x, val_x = torch.randn(16, 3, generator=gen), torch.randn(8, 3, generator=gen)
    y, val_y = x.sum(1, keepdim=True), val_x.sum(1, keepdim=True)
    torch.manual_seed(5)
    model = Recorder()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    history = fit_with_early_stopping(model, optimizer, F.mse_loss, (x, y), (val_x, val_y), 3, 5)
    epochs = len(history["val_loss"])
    # the restoring of the best weights may not call the model: only the loop's forwards count
    calls = model.calls[: 2 * epochs]
    expected = [(True, True), (False, False)] * epochs
    assert calls == expected, (
        f"fit_with_early_stopping's forwards ran as (training, grad enabled) = {calls}, expected "
        f"{expected}: every epoch, model.train() before the training step (validation left the "
        f"model in eval mode), then model.eval() and torch.no_grad() for the validation loss"
    )
