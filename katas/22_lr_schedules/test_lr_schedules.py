import math

import pytest
import torch
from lr_schedules import warmup_cosine_lambda, warmup_cosine_lr, warmup_cosine_scheduler
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LinearLR, SequentialLR

# (base_lrs of the parameter groups, warmup_steps, total_steps, start_factor, min_lr)
CONFIGS = [
    ((0.1,), 3, 8, 0.25, 0.01),
    ((0.5,), 1, 2, 0.1, 0.0),
    ((1e-3,), 10, 50, 0.01, 1e-5),
    ((0.1, 0.02), 4, 20, 1 / 3, 0.001),
]
IDS = ["short", "one-step-warm-up", "long", "two-groups"]


def make_optimizer(base_lrs):
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in base_lrs]
    return torch.optim.SGD(groups, lr=base_lrs[0])


def lrs_over_the_run(optimizer, scheduler, total_steps):
    """The lr of every group at each optimizer step 0 .. total_steps."""
    history = []
    for _ in range(total_steps + 1):
        history.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return history


def reference_lrs(base_lrs, warmup, total, start_factor, min_lr):
    """PyTorch's own composition: what every task must reproduce."""
    optimizer = make_optimizer(base_lrs)
    scheduler = SequentialLR(
        optimizer,
        [
            LinearLR(optimizer, start_factor=start_factor, total_iters=warmup),
            CosineAnnealingLR(optimizer, T_max=total - warmup, eta_min=min_lr),
        ],
        milestones=[warmup],
    )
    return lrs_over_the_run(optimizer, scheduler, total)


def assert_schedule(actual, expected, name):
    for step, (got, want) in enumerate(zip(actual, expected, strict=True)):
        ok = all(
            math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12) for g, w in zip(got, want, strict=True)
        )
        assert ok, (
            f"{name}: at step {step} the lr is {got}, expected {want}.\n"
            f"  expected schedule: {[round(w[0], 6) for w in expected]}\n"
            f"  actual schedule:   {[round(g[0], 6) for g in actual]}"
        )


# Task 1: the closed form


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_warmup_cosine_lr_equals_linear_lr_then_cosine_annealing(config):
    base_lrs, warmup, total, start_factor, min_lr = config
    expected = reference_lrs(base_lrs, warmup, total, start_factor, min_lr)
    actual = [
        [warmup_cosine_lr(step, base, warmup, total, start_factor, min_lr) for base in base_lrs]
        for step in range(total + 1)
    ]
    assert_schedule(
        actual,
        expected,
        f"warmup_cosine_lr(step, {base_lrs[0]}, {warmup}, {total}, {start_factor}, {min_lr})",
    )


def test_warmup_cosine_lr_landmarks():
    lr = lambda step: warmup_cosine_lr(step, 1.0, 4, 14, 0.2, 0.1)  # noqa: E731
    landmarks = {0: 0.2, 2: 0.6, 4: 1.0, 9: 0.55, 14: 0.1}
    for step, expected in landmarks.items():
        assert math.isclose(lr(step), expected, rel_tol=1e-9), (
            f"warmup_cosine_lr({step}, 1.0, 4, 14, 0.2, 0.1) returned {lr(step)}, expected "
            f"{expected} (start 0.2, base at the end of warm-up, midpoint of the cosine at step 9, "
            "min_lr at the last step)"
        )


# Task 2: a composition of torch.optim.lr_scheduler


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_warmup_cosine_scheduler_gives_the_reference_schedule(config):
    base_lrs, warmup, total, start_factor, min_lr = config
    expected = reference_lrs(base_lrs, warmup, total, start_factor, min_lr)
    optimizer = make_optimizer(base_lrs)
    scheduler = warmup_cosine_scheduler(optimizer, warmup, total, start_factor, min_lr)
    assert isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler), (
        f"warmup_cosine_scheduler returned {type(scheduler).__name__}, expected a scheduler of "
        "torch.optim.lr_scheduler"
    )
    actual = lrs_over_the_run(optimizer, scheduler, total)
    assert_schedule(
        actual,
        expected,
        f"warmup_cosine_scheduler(opt, {warmup}, {total}, {start_factor}, {min_lr})",
    )


def test_warmup_cosine_scheduler_state_dict_resumes_the_schedule():
    optimizer = make_optimizer((0.1,))
    scheduler = warmup_cosine_scheduler(optimizer, 3, 10, 0.5, 0.0)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    saved = scheduler.state_dict()
    resumed_optimizer = make_optimizer((0.1,))
    resumed = warmup_cosine_scheduler(resumed_optimizer, 3, 10, 0.5, 0.0)
    resumed.load_state_dict(saved)
    resumed_optimizer.param_groups[0]["lr"] = optimizer.param_groups[0]["lr"]
    expected = lrs_over_the_run(optimizer, scheduler, 5)
    actual = lrs_over_the_run(resumed_optimizer, resumed, 5)
    assert_schedule(actual, expected, "a warmup_cosine_scheduler restored from state_dict()")


# Task 3: one function for LambdaLR


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_warmup_cosine_lambda_in_lambda_lr_gives_the_reference_schedule(config):
    base_lrs, warmup, total, start_factor, min_lr = config
    min_factor = min_lr / base_lrs[0]
    # LambdaLR scales each group's base lr: the reference schedule for base 1, times each base.
    unit = reference_lrs((1.0,), warmup, total, start_factor, min_factor)
    expected = [[row[0] * base for base in base_lrs] for row in unit]
    optimizer = make_optimizer(base_lrs)
    scheduler = LambdaLR(optimizer, warmup_cosine_lambda(warmup, total, start_factor, min_factor))
    actual = lrs_over_the_run(optimizer, scheduler, total)
    assert_schedule(
        actual,
        expected,
        f"LambdaLR(opt, warmup_cosine_lambda({warmup}, {total}, {start_factor}, {min_factor}))",
    )


def test_warmup_cosine_lambda_returns_a_multiplier_not_an_lr():
    multiplier = warmup_cosine_lambda(2, 6, 0.5, 0.1)
    values = [multiplier(step) for step in range(7)]
    expected = [
        0.5,
        0.75,
        1.0,
        0.1 + 0.9 * 0.8535533905932737,
        0.55,
        0.1 + 0.9 * 0.14644660940672627,
        0.1,
    ]
    assert all(math.isclose(v, e, rel_tol=1e-9) for v, e in zip(values, expected, strict=True)), (
        f"warmup_cosine_lambda(2, 6, 0.5, 0.1) gives the multipliers {values}, expected {expected}"
    )
