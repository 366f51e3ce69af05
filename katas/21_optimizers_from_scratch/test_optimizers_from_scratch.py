import copy

import pytest
import torch
from optimizers_from_scratch import SGD, Adam
from torch import nn

from kata_helpers import assert_tensor


def tiny_model(dtype=torch.float64, device="cpu"):
    generator = torch.Generator().manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(torch.randn(param.shape, generator=generator))
    return model.to(dtype=dtype, device=device)


def batches(steps, dtype=torch.float64, device="cpu"):
    generator = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x = torch.randn(8, 4, generator=generator, dtype=dtype)
        y = torch.randn(8, 2, generator=generator, dtype=dtype)
        yield x.to(device), y.to(device)


def train_side_by_side(
    make_mine, make_torch, steps=8, dtype=torch.float64, device="cpu", rtol=None, atol=None
):
    """Run the learner's optimizer and torch's on two copies of a model; compare after each step."""
    model = tiny_model(dtype, device)
    reference = copy.deepcopy(model)
    mine, theirs = make_mine(model.parameters()), make_torch(reference.parameters())
    for step, (x, y) in enumerate(batches(steps, dtype, device), start=1):
        before = [p.detach().clone() for p in model.parameters()]
        for net, optimizer in [(model, mine), (reference, theirs)]:
            optimizer.zero_grad()
            nn.functional.mse_loss(net(x), y).backward()
            optimizer.step()
        for (name, actual), expected, old in zip(
            model.named_parameters(), reference.parameters(), before, strict=True
        ):
            if not torch.equal(expected.detach(), old):
                assert_changed_in_place(actual, old, f"after step {step}, parameter {name!r}")
            assert_tensor(
                actual,
                expected,
                call=f"after step {step}, parameter {name!r}",
                rtol=rtol,
                atol=atol,
            )
    return model


def assert_changed_in_place(actual, before, label):
    """A parameter that did not move at all was most likely rebound, not updated."""
    __tracebackhide__ = True
    if torch.equal(actual.detach(), before):
        raise AssertionError(
            f"{label} did not change at all: step() must update each parameter in place "
            f"(p.sub_(lr * g), or p -= lr * g, under torch.no_grad()). `p = p - lr * g` only "
            f"binds the loop's name p to a new tensor and leaves the parameter as it was"
        )


# Task 1: zero_grad


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.1), lambda p: Adam(p)], ids=["SGD", "Adam"])
def test_zero_grad_sets_every_gradient_to_none(make):
    model = tiny_model()
    optimizer = make(model.parameters())
    model(torch.randn(3, 4, dtype=torch.float64)).sum().backward()
    optimizer.zero_grad()
    still = [name for name, p in model.named_parameters() if p.grad is not None]
    assert not still, (
        f"after zero_grad(), these parameters still have a .grad: {still} (expected None)"
    )


# Task 2: SGD


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.05},
        {"lr": 0.02, "momentum": 0.9, "nesterov": True},
        {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.2, "nesterov": True},
    ],
    ids=str,
)
def test_sgd_equals_torch_optim_sgd_step_by_step(options):
    train_side_by_side(
        lambda p: SGD(p, **options), lambda p: torch.optim.SGD(p, **options), steps=10
    )


def test_sgd_first_step_is_a_plain_gradient_step_even_with_momentum():
    param = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    optimizer = SGD([param], lr=0.5, momentum=0.9)
    param.grad = torch.tensor([0.2, 0.4], dtype=torch.float64)
    optimizer.step()
    assert_tensor(
        param.detach(),
        torch.tensor([0.9, -2.2], dtype=torch.float64),
        call="SGD(lr=0.5, momentum=0.9): first step",
    )
    param.grad = torch.tensor([0.2, 0.4], dtype=torch.float64)
    optimizer.step()  # velocity 0.9 * g + g = 1.9 g
    assert_tensor(
        param.detach(),
        torch.tensor([0.71, -2.58], dtype=torch.float64),
        call="SGD(lr=0.5, momentum=0.9): second step",
    )


def test_sgd_leaves_parameters_without_a_gradient_alone():
    used = torch.ones(3, requires_grad=True)
    unused = torch.ones(2, requires_grad=True)
    optimizer = SGD([used, unused], lr=0.1, momentum=0.9, weight_decay=0.5)
    for _ in range(3):
        optimizer.zero_grad()
        (used * 2).sum().backward()
        optimizer.step()
    assert_tensor(
        unused.detach(), torch.ones(2), call="SGD.step() on a parameter whose .grad is None"
    )
    assert used.requires_grad and used.grad_fn is None, (
        "after SGD.step() the parameter must still be a leaf that requires grad: update it in "
        "place (p.sub_(...)) under torch.no_grad()"
    )


# Task 3: Adam


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.01},
        {"lr": 0.05, "betas": (0.8, 0.99)},
        {"lr": 0.01, "weight_decay": 0.1},
        {"lr": 0.02, "eps": 1e-3},
    ],
    ids=str,
)
def test_adam_equals_torch_optim_adam_step_by_step(options):
    train_side_by_side(
        lambda p: Adam(p, **options), lambda p: torch.optim.Adam(p, **options), steps=10
    )


def test_adam_first_step_moves_every_weight_by_about_lr():
    # With bias correction, m_hat = g and v_hat = g * g on step 1: the step is
    # lr * g / (|g| + eps), which is lr * sign(g) up to eps (not exactly, for a small |g|).
    param = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    grad = torch.tensor([1e-4, -3.0, 50.0, -0.02, 7.0], dtype=torch.float64)
    param.grad = grad.clone()
    Adam([param], lr=0.1, eps=1e-6).step()
    expected = -0.1 * grad / (grad.abs() + 1e-6)
    assert_tensor(
        param.detach(),
        expected,
        call="Adam([p], lr=0.1, eps=1e-6).step() from p = 0 (expected -lr * g / (|g| + eps))",
    )


def test_adam_counts_steps_per_parameter():
    # The second parameter gets its first gradient on step 3: its bias correction starts at t=1.
    first = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    late = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    reference = [first.detach().clone().requires_grad_(), late.detach().clone().requires_grad_()]
    mine, theirs = Adam([first, late], lr=0.1), torch.optim.Adam(reference, lr=0.1)
    for step in range(5):
        for params, optimizer in [((first, late), mine), (reference, theirs)]:
            optimizer.zero_grad()
            loss = (params[0] - 1).pow(2).sum()
            if step >= 2:  # before that, `late` is not in the loss: its .grad stays None
                loss = loss + (params[1] + 2).pow(2).sum()
            loss.backward()
            assert (params[1].grad is None) == (step < 2), (
                "zero_grad() must set .grad to None: a parameter left out of the loss still "
                f"has a .grad ({params[1].grad}) after backward()"
            )
            optimizer.step()
    assert_tensor(first.detach(), reference[0].detach(), call="Adam: the parameter stepped 5 times")
    assert_tensor(late.detach(), reference[1].detach(), call="Adam: the parameter stepped 3 times")


def test_adam_in_float32_tracks_torch_within_float32_tolerance():
    train_side_by_side(
        lambda p: Adam(p, lr=0.01),
        lambda p: torch.optim.Adam(p, lr=0.01),
        steps=10,
        dtype=torch.float32,
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.gpu
def test_optimizers_update_parameters_on_the_accelerator(device):
    train_side_by_side(
        lambda p: SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01),
        steps=5,
        dtype=torch.float32,
        device=device,
        rtol=1e-4,
        atol=1e-5,
    )
    train_side_by_side(
        lambda p: Adam(p, lr=0.01),
        lambda p: torch.optim.Adam(p, lr=0.01),
        steps=5,
        dtype=torch.float32,
        device=device,
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: SGD(p, lr=0.1, momentum=0.9), id="SGD-momentum"),
        pytest.param(lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True), id="SGD-nesterov"),
        pytest.param(lambda p: Adam(p, lr=0.1), id="Adam"),
    ],
)
def test_step_leaves_the_gradients_it_was_given_alone(make):
    # The caller may still hold a gradient (to log it, or to accumulate into it): the optimizer's
    # state must be its own copy, never the .grad tensor itself.
    param = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    optimizer = make([param])
    held = []
    for step, values in enumerate([[0.2, 0.4, -0.1], [0.3, -0.1, 0.2], [0.1, 0.1, 0.1]], 1):
        param.grad = torch.tensor(values, dtype=torch.float64)
        held.append((step, param.grad, param.grad.clone()))
        optimizer.step()
        for when, grad, copy_ in held:
            assert_tensor(
                grad,
                copy_,
                call=f"the gradient of step {when}, held by the caller, after step() number "
                f"{step} (the momentum buffer must be a copy: buf = g.clone(), not buf = g)",
            )
