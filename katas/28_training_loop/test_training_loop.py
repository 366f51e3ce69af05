import copy
import math

import pytest
import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook
from torch.utils.data import DataLoader, TensorDataset
from training_loop import evaluate, fit, train_moons, train_one_epoch

from kata_helpers import assert_tensor


def make_moons(n, noise, seed):
    """Two interleaved half circles, labels 0 and 1."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=generator)
    angles = torch.rand(n, generator=generator) * math.pi
    x = torch.where(labels == 0, torch.cos(angles), 1 - torch.cos(angles))
    y = torch.where(labels == 0, torch.sin(angles), 0.5 - torch.sin(angles))
    points = torch.stack([x, y], dim=1) + noise * torch.randn(n, 2, generator=generator)
    return TensorDataset(points, labels)


def small_problem(n=10, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, 3, generator=generator)
    targets = torch.randint(0, 2, (n,), generator=generator)
    return TensorDataset(inputs, targets)


class Recorder(nn.Module):
    """A linear classifier with dropout that records, at every forward, whether it was in
    training mode and whether autograd was recording."""

    def __init__(self, features=3, classes=2):
        super().__init__()
        self.dropout = nn.Dropout(0.5)
        self.linear = nn.Linear(features, classes)
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.linear(self.dropout(x))


def reference_epoch(model, dataset, batch_size, lr):
    """What one epoch of plain SGD must do, written out."""
    model = copy.deepcopy(model)
    losses, sizes = [], []
    inputs, targets = dataset.tensors
    for start in range(0, len(inputs), batch_size):
        x, y = inputs[start : start + batch_size], targets[start : start + batch_size]
        loss = nn.functional.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, g in zip(model.parameters(), grads, strict=True):
                p -= lr * g
        losses.append(loss.item())
        sizes.append(len(y))
    mean = sum(l * s for l, s in zip(losses, sizes, strict=True)) / sum(sizes)
    return model, mean


def wrong_means(model, dataset, batch_size, lr):
    """The means a wrong train_one_epoch returns: {what it did: value}."""
    model = copy.deepcopy(model)
    losses, sizes, after = [], [], []
    inputs, targets = dataset.tensors
    for start in range(0, len(inputs), batch_size):
        x, y = inputs[start : start + batch_size], targets[start : start + batch_size]
        loss = nn.functional.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, g in zip(model.parameters(), grads, strict=True):
                p -= lr * g
            after.append(nn.functional.cross_entropy(model(x), y).item())
        losses.append(loss.item())
        sizes.append(len(y))
    total = sum(sizes)
    return {
        "averaged the batch means without weighting each by its batch size (the last batch "
        "holds 2 samples, not 4)": sum(losses) / len(losses),
        "took each batch's loss after optimizer.step() (a new forward pass on the updated "
        "model): report the loss you called backward() on": sum(
            l * s for l, s in zip(after, sizes, strict=True)
        )
        / total,
        "summed the batch losses without dividing by the number of samples": sum(losses),
    }


# Task 1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [4, 10, 1])
def test_one_epoch_of_sgd_matches_the_written_out_steps(batch_size):
    dataset = small_problem(10)
    model = nn.Linear(3, 2)
    expected_model, _ = reference_epoch(model, dataset, batch_size, lr=0.5)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    train_one_epoch(model, DataLoader(dataset, batch_size), nn.CrossEntropyLoss(), optimizer)
    for name, p in model.named_parameters():
        assert_tensor(
            p.detach(),
            dict(expected_model.named_parameters())[name].detach(),
            call=f"model.{name} after train_one_epoch (SGD lr=0.5, batch_size={batch_size})",
            atol=1e-6,
        )


def test_one_epoch_returns_the_mean_loss_over_samples():
    dataset = small_problem(10)  # batches of 4, 4 and 2: a plain mean of batch means is wrong
    model = nn.Linear(3, 2)
    _, expected = reference_epoch(model, dataset, 4, lr=0.5)
    wrong = wrong_means(model, dataset, 4, lr=0.5)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    got = train_one_epoch(model, DataLoader(dataset, 4), nn.CrossEntropyLoss(), optimizer)
    assert isinstance(got, float), f"train_one_epoch returned {type(got).__name__}, not a float"
    if got != pytest.approx(expected, abs=1e-6):
        what = [w for w, value in wrong.items() if got == pytest.approx(value, abs=1e-6)]
        why = (
            f"it looks like it {what[0]}"
            if what
            else "the mean over the 10 samples of the losses computed before each step (each "
            "batch's loss.item() weighted by its size)"
        )
        raise AssertionError(
            f"train_one_epoch returned mean loss {got:.6f}, expected {expected:.6f}: {why}"
        )


def test_one_epoch_trains_in_training_mode():
    model = Recorder()
    model.eval()  # left in eval mode by an earlier evaluation
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train_one_epoch(model, DataLoader(small_problem(8), 4), nn.CrossEntropyLoss(), optimizer)
    assert model.calls and all(training for training, _ in model.calls), (
        f"the model ran with training={[t for t, _ in model.calls]}: call model.train() first"
    )


# Task 2 -----------------------------------------------------------------------------------


def test_evaluate_returns_the_eval_mode_loss_and_accuracy():
    dataset = small_problem(20, seed=1)
    model = Recorder()
    model.train()
    got_loss, got_accuracy = evaluate(model, DataLoader(dataset, 8), nn.CrossEntropyLoss())
    inputs, targets = dataset.tensors
    with torch.no_grad():
        logits = model.linear(inputs)  # dropout off
    expected_loss = nn.functional.cross_entropy(logits, targets).item()
    expected_accuracy = (logits.argmax(1) == targets).float().mean().item()
    assert isinstance(got_loss, float) and isinstance(got_accuracy, float), (
        f"evaluate returned ({type(got_loss).__name__}, {type(got_accuracy).__name__}), not floats"
    )
    assert got_loss == pytest.approx(expected_loss, abs=1e-5), (
        f"evaluate gave loss {got_loss:.5f}, expected {expected_loss:.5f} (the mean over samples "
        f"with dropout off: call model.eval())"
    )
    assert got_accuracy == pytest.approx(expected_accuracy, abs=1e-6), (
        f"evaluate gave accuracy {got_accuracy}, expected {expected_accuracy}"
    )


def test_evaluate_weights_every_batch_by_its_size():
    model = nn.Linear(3, 2)
    with torch.no_grad():  # always predicts class 0, with the same logits for every input
        model.weight.zero_()
        model.bias.copy_(torch.tensor([1.0, 0.0]))
    inputs = torch.randn(10, 3, generator=torch.Generator().manual_seed(3))
    targets = torch.tensor([0] * 8 + [1] * 2)  # batches of 4, 4, 2: accuracies 1, 1, 0
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=4)
    got_loss, got_accuracy = evaluate(model, loader, nn.CrossEntropyLoss())
    right, wrong = math.log(1 + math.exp(-1)), math.log(1 + math.exp(1))
    expected_loss = (8 * right + 2 * wrong) / 10
    assert got_accuracy == pytest.approx(0.8, abs=1e-6), (
        f"evaluate gave accuracy {got_accuracy} for 8 right predictions out of 10 (batches of 4, "
        f"4 and 2): count the correct predictions over every batch and divide by the 10 samples"
    )
    assert got_loss == pytest.approx(expected_loss, abs=1e-5), (
        f"evaluate gave loss {got_loss:.5f}, expected {expected_loss:.5f}: weight each batch's "
        f"loss by its size (the last batch holds 2 samples, not 4)"
    )


def test_evaluate_runs_in_eval_mode_without_autograd():
    model = Recorder()
    model.train()
    evaluate(model, DataLoader(small_problem(6), 3), nn.CrossEntropyLoss())
    assert model.calls, "evaluate never called the model"
    assert not any(training for training, _ in model.calls), (
        "evaluate ran the model in training mode (dropout on): call model.eval() first"
    )
    assert not any(grad for _, grad in model.calls), (
        "evaluate ran the model with autograd recording: wrap the loop in torch.no_grad() "
        "(or torch.inference_mode()), it saves the memory and time of building graphs"
    )


def test_evaluate_leaves_the_parameters_alone():
    model = nn.Linear(3, 2)
    before = [p.detach().clone() for p in model.parameters()]
    evaluate(model, DataLoader(small_problem(9), 4), nn.CrossEntropyLoss())
    for b, p in zip(before, model.parameters(), strict=True):
        assert_tensor(p.detach(), b, call="a parameter after evaluate(...)")


# Task 3 -----------------------------------------------------------------------------------


def test_fit_records_one_entry_per_epoch_and_alternates_modes():
    model = Recorder()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train, val = DataLoader(small_problem(8), 4), DataLoader(small_problem(4, seed=1), 4)
    history = fit(model, train, val, nn.CrossEntropyLoss(), optimizer, epochs=3)
    assert sorted(history) == ["train_loss", "val_accuracy", "val_loss"], (
        f"fit's history has keys {sorted(history)}"
    )
    for key, values in history.items():
        assert len(values) == 3, f"history[{key!r}] has {len(values)} entries after 3 epochs"
        assert all(isinstance(v, float) for v in values), f"history[{key!r}] holds non-floats"
    expected = ([(True, True)] * 2 + [(False, False)]) * 3  # 2 training batches, 1 validation
    assert model.calls == expected, (
        f"the model's forwards ran as (training, grad enabled) = {model.calls}; expected each "
        f"epoch to train (True, True) on 2 batches, then evaluate (False, False) on 1"
    )


def test_fit_history_equals_the_epochs_it_ran():
    torch.manual_seed(1)
    model = nn.Linear(3, 2)
    twin = copy.deepcopy(model)
    train, val = DataLoader(small_problem(12), 4), DataLoader(small_problem(6, seed=2), 6)
    loss_fn = nn.CrossEntropyLoss()
    history = fit(model, train, val, loss_fn, torch.optim.SGD(model.parameters(), lr=0.3), 2)
    twin_optimizer = torch.optim.SGD(twin.parameters(), lr=0.3)
    for epoch in range(2):
        twin_train = train_one_epoch(twin, train, loss_fn, twin_optimizer)
        twin_val = evaluate(twin, val, loss_fn)
        assert history["train_loss"][epoch] == pytest.approx(twin_train, abs=1e-6)
        assert history["val_loss"][epoch] == pytest.approx(twin_val[0], abs=1e-6)
        assert history["val_accuracy"][epoch] == pytest.approx(twin_val[1], abs=1e-6)


# Task 4 -----------------------------------------------------------------------------------


STEP_BUDGET = 200  # optimizer steps: 25 epochs of 400 points in batches of 64 (8 steps each)


def test_train_moons_reaches_95_percent_within_the_budget():
    train_set, val_set = make_moons(400, 0.15, seed=1000), make_moons(200, 0.15, seed=2000)
    steps = []
    handle = register_optimizer_step_post_hook(lambda optimizer, args, kwargs: steps.append(1))
    try:
        model, history = train_moons(train_set, val_set, seed=0)
    finally:
        handle.remove()
    points, labels = val_set.tensors
    model.eval()
    with torch.no_grad():
        accuracy = (model(points).argmax(dim=1) == labels).float().mean().item()
    assert accuracy >= 0.95, (
        f"the trained model is {accuracy:.1%} accurate on the validation set, the target is 95%"
    )
    assert steps, "train_moons never called optimizer.step(): train the model with an optimizer"
    assert len(steps) <= STEP_BUDGET, (
        f"train_moons took {len(steps)} optimizer steps, the budget is {STEP_BUDGET} (e.g. 25 "
        f"epochs in batches of 64): a larger learning rate or an adaptive optimizer (Adam) "
        f"gets there sooner"
    )
    assert history["val_accuracy"][-1] == pytest.approx(accuracy, abs=1e-6), (
        f"history['val_accuracy'][-1] = {history['val_accuracy'][-1]}, but the returned model "
        f"scores {accuracy}: the history must describe the returned model"
    )
    assert history["train_loss"][-1] < history["train_loss"][0], "the training loss never fell"


def test_train_moons_is_reproducible_for_a_seed():
    # small sets keep the three runs cheap: only their reproducibility is checked here
    train_set, val_set = make_moons(64, 0.15, seed=1001), make_moons(32, 0.15, seed=2001)
    _, first = train_moons(train_set, val_set, seed=3)
    torch.rand(7)  # other code used the global RNG in between
    _, again = train_moons(train_set, val_set, seed=3)
    _, other = train_moons(train_set, val_set, seed=4)
    assert first["train_loss"] == pytest.approx(again["train_loss"], abs=1e-6), (
        f"two runs of train_moons(..., seed=3) gave different training losses "
        f"({first['train_loss'][:2]}... vs {again['train_loss'][:2]}...): seed the weights "
        f"(torch.manual_seed(seed)) and the shuffling (a seeded generator) from `seed`"
    )
    assert first["train_loss"] != other["train_loss"], (
        "train_moons gave the same training losses for seeds 3 and 4: the seed is not used"
    )
