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
        for net, optimizer in [(model, mine), (reference, theirs)]:
            optimizer.zero_grad()
            nn.functional.mse_loss(net(x), y).backward()
            optimizer.step()
        for (name, actual), expected in zip(
            model.named_parameters(), reference.parameters(), strict=True
        ):
            assert_tensor(
                actual,
                expected,
                call=f"after step {step}, parameter {name!r}",
                rtol=rtol,
                atol=atol,
            )
    return model


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
    # With bias correction, m_hat = g and v_hat = g * g on step 1: the step is lr * sign(g).
    param = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    param.grad = torch.tensor([1e-4, -3.0, 50.0, -0.02, 7.0], dtype=torch.float64)
    Adam([param], lr=0.1).step()
    expected = torch.tensor([-0.1, 0.1, -0.1, 0.1, -0.1], dtype=torch.float64)
    assert_tensor(param.detach(), expected, call="Adam([p], lr=0.1).step() from p = 0", rtol=1e-3)


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
