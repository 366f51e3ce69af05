import copy

import pytest
import torch
from dropout_and_weight_decay import Dropout, decoupled_weight_decay_, dropout, l2_penalty
from torch import nn

from kata_helpers import assert_tensor, call


def data(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# Task 1: dropout


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_zeroes_a_fraction_p_and_scales_the_rest(p):
    x = torch.rand(200, 250, generator=torch.Generator().manual_seed(1)) + 0.5  # no zeros
    out = dropout(x, p, training=True)
    assert out.shape == x.shape and out.dtype == x.dtype, (
        f"dropout(x, {p}, training=True) returned shape {tuple(out.shape)} and {out.dtype}, "
        f"expected {tuple(x.shape)} and {x.dtype}"
    )
    dropped = out == 0
    assert_tensor(
        out[~dropped],
        x[~dropped] / (1 - p),
        call=f"dropout(x, {p}, training=True): the kept elements",
    )
    assert not (dropped == dropped[:1]).all() and not (dropped == dropped[:, :1]).all(), (
        f"dropout(x, {p}, training=True) on shape {tuple(x.shape)} dropped the same pattern in "
        "every row (or every column): draw one random number per element, of shape x.shape"
    )
    fraction = dropped.float().mean().item()
    assert abs(fraction - p) < 0.01, (
        f"dropout(x, {p}, training=True) zeroed {fraction:.3f} of the elements, expected about {p}"
    )


def test_dropout_keeps_the_mean_of_every_element():
    x = torch.full((400, 500), 2.0)
    mean = dropout(x, 0.3, training=True).mean().item()
    assert abs(mean - 2.0) < 0.02, (
        f"dropout(ones * 2, 0.3, training=True) has mean {mean:.4f}, expected 2: divide the "
        "survivors by 1 - p (inverted dropout)"
    )


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_dropout_outside_training_returns_the_input(p):
    x = data(3, 4, seed=2)
    assert_tensor(dropout(x, p, training=False), x, call=call("dropout", x, p, training=False))


def test_dropout_with_p_0_keeps_and_p_1_drops_everything():
    x = data(4, 5, seed=3)
    assert_tensor(dropout(x, 0.0, training=True), x, call=call("dropout", x, 0.0, training=True))
    assert_tensor(
        dropout(x, 1.0, training=True),
        torch.zeros(4, 5),
        call=call("dropout", x, 1.0, training=True),
    )


def test_dropout_rejects_a_probability_outside_0_to_1():
    with pytest.raises(ValueError):
        dropout(torch.ones(3), 1.5, training=True)
    with pytest.raises(ValueError):
        dropout(torch.ones(3), -0.1, training=True)


def test_dropout_is_reproducible_with_a_generator_and_keeps_the_dtype():
    x = data(6, 7, seed=4, dtype=torch.float64)
    first = dropout(x, 0.4, True, generator=torch.Generator().manual_seed(7))
    again = dropout(x, 0.4, True, generator=torch.Generator().manual_seed(7))
    other = dropout(x, 0.4, True, generator=torch.Generator().manual_seed(8))
    assert_tensor(again, first, call="dropout(x, 0.4, True, generator=seeded 7) twice")
    assert not torch.equal(first, other), (
        "dropout with different generator seeds gave the same mask"
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
def test_dropout_keeps_a_half_precision_dtype(dtype):
    x = torch.ones(10, 20, dtype=dtype)
    out = dropout(x, 0.5, training=True, generator=torch.Generator().manual_seed(9))
    assert out.dtype == dtype, (
        f"dropout(ones(10, 20, dtype={dtype}), 0.5, training=True) returned {out.dtype}: a float32 "
        "mask promotes the result; multiply by a boolean mask (or one of x's dtype)"
    )
    assert ((out == 0) | (out == 2)).all(), (
        f"dropout(ones(10, 20, dtype={dtype}), 0.5, training=True) gave values other than 0 and 2"
    )


def test_dropout_gradient_is_the_scaled_mask():
    x = (torch.rand(50, 40, generator=torch.Generator().manual_seed(5)) + 0.5).requires_grad_()
    out = dropout(x, 0.25, training=True)
    out.sum().backward()
    expected = (out.detach() != 0).float() / 0.75
    assert_tensor(x.grad, expected, call="dropout(x, 0.25, training=True).sum().backward(); x.grad")


# Task 2: the module


def test_dropout_module_drops_in_train_mode_and_is_the_identity_in_eval_mode():
    layer = Dropout(0.5)
    x = torch.ones(100, 100)
    out = layer(x)
    assert (out == 0).any() and (out == 2).any() and ((out == 0) | (out == 2)).all(), (
        "Dropout(0.5) in training mode (the default) must zero about half of ones(100, 100) "
        "and turn the rest into 2"
    )
    layer.eval()
    assert_tensor(layer(x), x, call="Dropout(0.5).eval()(ones(100, 100))")
    layer.train()
    assert (layer(x) == 0).any(), "Dropout(0.5) after .eval() then .train() no longer drops"


def test_dropout_module_follows_its_parent_model_mode():
    model = nn.Sequential(nn.Linear(8, 8), Dropout(0.5), nn.Linear(8, 2))
    x = data(16, 8, seed=6)
    model.eval()
    first, second = model(x), model(x)
    assert_tensor(
        second, first, call="model.eval(); model(x) twice: an eval model is deterministic"
    )
    model.train()
    assert not torch.equal(model(x), first), "model.train(): the Dropout inside no longer drops"


# Task 3: the L2 penalty


def test_l2_penalty_is_half_the_decay_times_the_sum_of_squares():
    a, b = torch.tensor([1.0, -2.0]), torch.tensor([[3.0]])
    result = l2_penalty([a, b], 0.1)
    assert_tensor(result, torch.tensor(0.7), call="l2_penalty([[1, -2], [[3]]], 0.1)")


def test_l2_penalty_with_sgd_equals_sgd_weight_decay():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    reference = copy.deepcopy(model)
    mine = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9, weight_decay=0.05)
    x, y = data(16, 5, seed=7, dtype=torch.float64), data(16, 1, seed=8, dtype=torch.float64)
    for step in range(5):
        mine.zero_grad()
        loss = nn.functional.mse_loss(model(x), y) + l2_penalty(model.parameters(), 0.05)
        loss.backward()
        mine.step()
        theirs.zero_grad()
        nn.functional.mse_loss(reference(x), y).backward()
        theirs.step()
        for (name, actual), expected in zip(
            model.named_parameters(), reference.parameters(), strict=True
        ):
            assert_tensor(
                actual,
                expected,
                call=f"SGD on loss + l2_penalty(..., 0.05), step {step}, {name!r} (vs weight_decay=0.05)",
            )


# Task 4: AdamW's decoupled decay


def run_adam(model, x, y, steps, make_optimizer, before_step=None):
    optimizer = make_optimizer(model.parameters())
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        if before_step:
            before_step(model)
        optimizer.step()
    return model


@pytest.mark.parametrize(("lr", "weight_decay"), [(0.01, 0.1), (0.05, 0.5)])
def test_decoupled_decay_before_adam_equals_adamw(lr, weight_decay):
    torch.manual_seed(0)
    start = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    x, y = data(16, 5, seed=9, dtype=torch.float64), data(16, 1, seed=10, dtype=torch.float64)
    mine = run_adam(
        copy.deepcopy(start),
        x,
        y,
        6,
        lambda params: torch.optim.Adam(params, lr=lr),
        lambda model: decoupled_weight_decay_(model.parameters(), lr, weight_decay),
    )
    reference = run_adam(
        copy.deepcopy(start),
        x,
        y,
        6,
        lambda params: torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay),
    )
    for (name, actual), expected in zip(
        mine.named_parameters(), reference.parameters(), strict=True
    ):
        assert_tensor(
            actual,
            expected,
            call=f"decoupled_weight_decay_({lr=}, {weight_decay=}) + Adam: {name!r} after 6 steps",
        )


def test_decoupled_decay_shrinks_in_place_and_leaves_parameters_leaves():
    weight = nn.Parameter(torch.tensor([1.0, -4.0]))
    decoupled_weight_decay_([weight], lr=0.1, weight_decay=0.5)
    assert_tensor(
        weight.detach(),
        torch.tensor([0.95, -3.8]),
        call="decoupled_weight_decay_([w], lr=0.1, weight_decay=0.5)",
    )
    assert weight.grad_fn is None and weight.requires_grad, "the parameter must stay a leaf"


def test_l2_penalty_in_adam_is_not_adamw():
    # Adam divides the penalty's gradient by sqrt(v): large-gradient weights barely decay.
    torch.manual_seed(0)
    start = nn.Linear(3, 1).double()
    x, y = data(8, 3, seed=11, dtype=torch.float64), data(8, 1, seed=12, dtype=torch.float64)
    decoupled = run_adam(
        copy.deepcopy(start),
        x,
        y,
        3,
        lambda params: torch.optim.Adam(params, lr=0.1),
        lambda model: decoupled_weight_decay_(model.parameters(), 0.1, 0.5),
    )
    coupled = copy.deepcopy(start)
    optimizer = torch.optim.Adam(coupled.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        (nn.functional.mse_loss(coupled(x), y) + l2_penalty(coupled.parameters(), 0.5)).backward()
        optimizer.step()
    reference = run_adam(
        copy.deepcopy(start),
        x,
        y,
        3,
        lambda params: torch.optim.Adam(params, lr=0.1, weight_decay=0.5),
    )
    assert_tensor(
        coupled.weight,
        reference.weight,
        call="Adam on loss + l2_penalty(..., 0.5) vs Adam(weight_decay=0.5)",
    )
    assert not torch.allclose(coupled.weight, decoupled.weight), (
        "Adam with an L2 penalty gave the same weights as Adam with decoupled decay: they differ"
    )


@pytest.mark.gpu
def test_dropout_runs_on_the_accelerator(device):
    x = torch.ones(100, 100, device=device)
    out = dropout(x, 0.5, training=True)
    assert out.device.type == device.type, (
        f"dropout returned a tensor on {out.device}, expected {device}"
    )
    assert ((out == 0) | (out == 2)).all() and 0.45 < (out == 0).float().mean().item() < 0.55
    weight = nn.Parameter(torch.ones(3, device=device))
    decoupled_weight_decay_([weight], lr=0.1, weight_decay=0.5)
    assert_tensor(
        weight.detach(),
        torch.full((3,), 0.95, device=device),
        call="decoupled_weight_decay_ on the accelerator",
    )
