import pytest
import torch
from accumulation_and_clipping import (
    accumulate_gradients,
    accumulated_step,
    train_with_accumulation,
)
from torch import nn
from torch.nn import functional as F

from kata_helpers import assert_tensor, describe


def make_model(seed: int = 0, out_features: int = 3) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, out_features)).double()


def make_data(batch: int, task: str = "regression", seed: int = 1):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(batch, 5, generator=gen, dtype=torch.float64) * 2
    if task == "regression":
        targets = torch.randn(batch, 3, generator=gen, dtype=torch.float64) * 3
        return inputs, targets, F.mse_loss
    targets = torch.randint(0, 3, (batch,), generator=gen)
    return inputs, targets, F.cross_entropy


def full_batch_step(model, optimizer, loss_fn, inputs, targets, max_norm):
    """What accumulation must reproduce: one backward over the whole batch, clip, step."""
    optimizer.zero_grad()
    loss_fn(model(inputs), targets).backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return norm.item()


def assert_same_parameters(actual: nn.Module, expected: nn.Module, what: str):
    # Loose enough for clipping by hand with max_norm / norm: clip_grad_norm_ divides by
    # norm + 1e-6, which moves a clipped step by about 1e-6 of its size.
    for (name, a), e in zip(actual.named_parameters(), expected.parameters(), strict=True):
        assert_tensor(
            a.detach(), e.detach(), call=f"{what}: parameter {name}", rtol=1e-6, atol=1e-8
        )


def assert_same_gradients(actual: nn.Module, expected: nn.Module, what: str):
    for (name, a), e in zip(actual.named_parameters(), expected.parameters(), strict=True):
        assert a.grad is not None, f"after {what}, parameter {name} has no .grad"
        assert_tensor(a.grad, e.grad, call=f"after {what}, the .grad of {name}", atol=1e-10)


@pytest.mark.parametrize("task", ["regression", "classification"])
@pytest.mark.parametrize("micro_batches", [1, 2, 4, 12])
def test_accumulated_gradients_equal_the_full_batch_gradients(task, micro_batches):
    inputs, targets, loss_fn = make_data(12, task)
    model, reference = make_model(), make_model()
    loss_fn(reference(inputs), targets).backward()
    accumulate_gradients(model, loss_fn, inputs, targets, micro_batches)
    what = (
        f"accumulate_gradients(model, {loss_fn.__name__}, inputs (12, 5), targets, {micro_batches})"
    )
    assert_same_gradients(model, reference, what)


@pytest.mark.parametrize("micro_batches", [1, 3, 6])
def test_accumulate_gradients_returns_the_mean_loss_of_the_whole_batch(micro_batches):
    inputs, targets, loss_fn = make_data(6)
    model = make_model()
    expected = loss_fn(model(inputs), targets).item()
    loss = accumulate_gradients(model, loss_fn, inputs, targets, micro_batches)
    what = f"accumulate_gradients(model, mse_loss, inputs (6, 5), targets (6, 3), {micro_batches})"
    assert isinstance(loss, float), f"{what} returned {describe(loss)}, expected a Python float"
    assert loss == pytest.approx(expected, rel=1e-9), (
        f"{what} returned {loss}, expected the mean loss over the whole batch, {expected}"
    )


def test_accumulate_gradients_clears_gradients_left_from_before():
    inputs, targets, loss_fn = make_data(8)
    model, reference = make_model(), make_model()
    for parameter in model.parameters():
        parameter.grad = torch.full_like(parameter, 100.0)
    loss_fn(reference(inputs), targets).backward()
    accumulate_gradients(model, loss_fn, inputs, targets, 2)
    assert_same_gradients(model, reference, "accumulate_gradients on a model with old .grad")


@pytest.mark.parametrize("max_norm", [1e6, 0.05])
@pytest.mark.parametrize("micro_batches", [2, 4])
def test_accumulated_step_equals_one_large_batch_step_with_clipping(max_norm, micro_batches):
    inputs, targets, loss_fn = make_data(8, seed=2)
    model, reference = make_model(), make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    reference_optimizer = torch.optim.SGD(reference.parameters(), lr=0.5)
    what = (
        f"accumulated_step(model, SGD(lr=0.5), mse_loss, inputs (8, 5), targets (8, 3), "
        f"micro_batches={micro_batches}, max_norm={max_norm})"
    )
    accumulated_step(model, optimizer, loss_fn, inputs, targets, micro_batches, max_norm)
    full_batch_step(reference, reference_optimizer, loss_fn, inputs, targets, max_norm)
    assert_same_parameters(model, reference, f"after {what}")


@pytest.mark.parametrize("max_norm", [1e6, 0.05])
def test_accumulated_step_returns_the_norm_before_clipping(max_norm):
    inputs, targets, loss_fn = make_data(8, seed=3)
    model, reference = make_model(), make_model()
    loss_fn(reference(inputs), targets).backward()
    grads = [p.grad.flatten() for p in reference.parameters()]
    expected = torch.cat(grads).norm().item()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    norm = accumulated_step(model, optimizer, loss_fn, inputs, targets, 4, max_norm)
    what = f"accumulated_step(..., micro_batches=4, max_norm={max_norm})"
    assert isinstance(norm, float), f"{what} returned {describe(norm)}, expected a Python float"
    assert norm == pytest.approx(expected, rel=1e-9), (
        f"{what} returned {norm}, expected the global L2 norm of the full gradient measured "
        f"before clipping, {expected}"
    )


def test_repeated_accumulated_steps_with_adam_follow_large_batch_training():
    model, reference = make_model(4), make_model(4)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    reference_optimizer = torch.optim.Adam(reference.parameters(), lr=0.01)
    for step in range(4):
        inputs, targets, loss_fn = make_data(6, "classification", seed=10 + step)
        accumulated_step(model, optimizer, loss_fn, inputs, targets, 3, 0.5)
        full_batch_step(reference, reference_optimizer, loss_fn, inputs, targets, 0.5)
        assert_same_parameters(model, reference, f"after {step + 1} accumulated_step calls")


def make_batches(count: int, batch: int = 4, seed: int = 5):
    batches = []
    for i in range(count):
        inputs, targets, _ = make_data(batch, seed=seed + i)
        batches.append((inputs, targets))
    return batches


def expected_training(batches, accumulation_steps, max_norm, lr=0.3):
    """Large-batch training on the concatenated groups: the result accumulation must match."""
    reference = make_model()
    optimizer = torch.optim.SGD(reference.parameters(), lr=lr, momentum=0.9)
    norms = []
    for start in range(0, len(batches), accumulation_steps):
        group = batches[start : start + accumulation_steps]
        inputs = torch.cat([x for x, _ in group])
        targets = torch.cat([y for _, y in group])
        norms.append(full_batch_step(reference, optimizer, F.mse_loss, inputs, targets, max_norm))
    return reference, norms


@pytest.mark.parametrize(
    ("count", "accumulation_steps", "max_norm"),
    [(6, 3, 1e6), (6, 2, 0.1), (5, 2, 1e6), (7, 3, 0.1), (3, 1, 0.1), (4, 10, 1e6)],
)
def test_training_with_accumulation_equals_large_batch_training(
    count, accumulation_steps, max_norm
):
    batches = make_batches(count)
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    norms = train_with_accumulation(
        model, optimizer, F.mse_loss, batches, accumulation_steps, max_norm
    )
    reference, expected_norms = expected_training(batches, accumulation_steps, max_norm)
    what = (
        f"train_with_accumulation(model, SGD, mse_loss, {count} batches of 4, "
        f"accumulation_steps={accumulation_steps}, max_norm={max_norm})"
    )
    assert isinstance(norms, list) and len(norms) == len(expected_norms), (
        f"{what} returned {describe(norms)}: expected a list of {len(expected_norms)} norms, one "
        f"per optimizer step ({count} batches in groups of {accumulation_steps}, the last group "
        f"may be shorter)"
    )
    assert_tensor(
        torch.tensor(norms, dtype=torch.float64),
        torch.tensor(expected_norms, dtype=torch.float64),
        call=f"the norms from {what}",
        rtol=1e-6,
        atol=1e-9,
    )
    assert_same_parameters(model, reference, f"after {what}")


def test_training_with_accumulation_ignores_gradients_left_from_before():
    batches = make_batches(4)
    model = make_model()
    for parameter in model.parameters():
        parameter.grad = torch.full_like(parameter, 100.0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    norms = train_with_accumulation(model, optimizer, F.mse_loss, batches, 2, 1e6)
    reference, expected_norms = expected_training(batches, 2, 1e6)
    what = (
        "train_with_accumulation(model whose .grad holds 100s from before, SGD, mse_loss, "
        "4 batches of 4, accumulation_steps=2, max_norm=1e6)"
    )
    assert_tensor(
        torch.tensor(norms, dtype=torch.float64),
        torch.tensor(expected_norms, dtype=torch.float64),
        call=f"the norms from {what} (clear old gradients before the first group too)",
        rtol=1e-6,
        atol=1e-9,
    )
    assert_same_parameters(model, reference, f"after {what}")
