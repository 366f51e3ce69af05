import itertools

import pytest
import torch
from gradient_hooks import (
    capture_gradients,
    clamp_gradients_with_hooks,
    clip_by_global_norm_,
    global_grad_norm,
    gradient_health,
)
from torch import nn

from kata_helpers import assert_equal, assert_tensor


def random(*shape, seed=0, scale=1.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator) * scale


def model_with_gradients(seed=0, scale=1.0, sizes=(4, 8, 3)):
    """A small MLP after one backward pass; `scale` makes its inputs (and gradients) larger."""
    torch.manual_seed(seed)
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
    model = nn.Sequential(*layers[:-1])
    model(random(5, sizes[0], seed=seed + 100, scale=scale)).pow(2).sum().backward()
    return model


def grads(model):
    return [p.grad.clone() for p in model.parameters()]


def test_capture_gradients_sees_the_gradients_of_intermediate_tensors():
    x = random(3, 4, seed=1).requires_grad_(True)
    W = random(4, 2, seed=2)
    h = x @ W
    a = torch.tanh(h)
    captured = capture_gradients({"h": h, "a": a})
    (a**2).sum().backward()
    assert isinstance(captured, dict), (
        f"capture_gradients returned {type(captured).__name__}, expected a dict"
    )
    assert_equal(
        sorted(captured),
        ["a", "h"],
        call="sorted(capture_gradients({'h': h, 'a': a})) after backward",
    )
    a = a.detach()
    assert_tensor(
        captured["a"], 2 * a, call="the gradient captured for a = tanh(h), loss = sum(a**2)"
    )
    assert_tensor(captured["h"], 2 * a * (1 - a**2), call="the gradient captured for h = x @ W")


def test_capture_gradients_leaves_the_gradients_unchanged():
    x = random(2, 5, seed=3).requires_grad_(True)
    h = torch.sin(x) * 3
    captured = capture_gradients({"hidden": h})
    h.sum().backward()
    assert_tensor(
        captured["hidden"],
        torch.ones(2, 5),
        call="the gradient captured for hidden, loss = hidden.sum()",
    )
    assert_tensor(
        x.grad, 3 * torch.cos(x.detach()), call="x.grad with a capturing hook on sin(x) * 3"
    )


@pytest.mark.parametrize("limit", [0.01, 0.5])
def test_clamp_hooks_clamp_every_gradient_element(limit):
    reference = grads(model_with_gradients(seed=4, scale=5.0))
    torch.manual_seed(4)
    model = model_with_gradients(seed=4, scale=5.0)
    for p in model.parameters():
        p.grad = None
    handles = clamp_gradients_with_hooks(model, limit)
    model(random(5, 4, seed=104, scale=5.0)).pow(2).sum().backward()
    for (name, p), expected in zip(model.named_parameters(), reference, strict=True):
        assert_tensor(
            p.grad,
            expected.clamp(-limit, limit),
            call=f"{name}.grad after clamp_gradients_with_hooks(model, {limit})",
        )
    assert len(handles) == len(list(model.parameters())), (
        f"clamp_gradients_with_hooks returned {len(handles)} handles for {len(list(model.parameters()))} parameters"
    )


def test_removing_the_clamp_hooks_restores_plain_gradients():
    model = model_with_gradients(seed=5, scale=5.0)
    expected = grads(model)
    handles = clamp_gradients_with_hooks(model, 1e-3)
    for handle in handles:
        handle.remove()
    model.zero_grad()
    model(random(5, 4, seed=105, scale=5.0)).pow(2).sum().backward()
    for (name, p), e in zip(model.named_parameters(), expected, strict=True):
        assert_tensor(
            p.grad,
            e,
            call=f"{name}.grad after removing every handle clamp_gradients_with_hooks returned",
        )


@pytest.mark.parametrize(
    "sizes", [(4, 8, 3), (2, 1), (6, 16, 16, 2)], ids=["4x8x3", "2x1", "6x16x16x2"]
)
def test_global_grad_norm_is_the_norm_of_all_gradients_together(sizes):
    model = model_with_gradients(seed=6, sizes=sizes)
    expected = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    assert_tensor(
        torch.as_tensor(global_grad_norm(model.parameters())),
        expected,
        call="global_grad_norm(model.parameters())",
        check_dtype=False,
    )


def test_global_grad_norm_skips_parameters_without_gradients():
    model = model_with_gradients(seed=7)
    model[0].bias.grad = None
    expected = torch.cat(
        [p.grad.flatten() for p in model.parameters() if p.grad is not None]
    ).norm()
    result = torch.as_tensor(global_grad_norm(model.parameters()))
    assert_tensor(
        result,
        expected,
        call="global_grad_norm(model.parameters()) with model[0].bias.grad = None",
        check_dtype=False,
    )


@pytest.mark.parametrize(("scale", "max_norm"), [(5.0, 1.0), (1.0, 0.3), (0.1, 100.0)])
def test_clip_by_global_norm_equals_clip_grad_norm(scale, max_norm):
    model = model_with_gradients(seed=8, scale=scale)
    reference = model_with_gradients(seed=8, scale=scale)
    expected_norm = nn.utils.clip_grad_norm_(reference.parameters(), max_norm)
    norm = clip_by_global_norm_(model.parameters(), max_norm)
    assert_tensor(
        torch.as_tensor(norm).float(),
        expected_norm,
        call=f"clip_by_global_norm_(model.parameters(), {max_norm}) (its return value)",
        rtol=1e-5,
    )
    for (name, p), q in zip(model.named_parameters(), reference.parameters(), strict=True):
        assert_tensor(
            p.grad,
            q.grad,
            call=f"{name}.grad after clip_by_global_norm_(model.parameters(), {max_norm})",
            rtol=1e-5,
        )


def test_clipping_keeps_the_direction_when_one_gradient_dominates():
    big, small = nn.Parameter(torch.zeros(3)), nn.Parameter(torch.zeros(2))
    big.grad, small.grad = torch.tensor([30.0, 0.0, 40.0]), torch.tensor([0.3, 0.4])
    total = (50.0**2 + 0.5**2) ** 0.5
    clip_by_global_norm_([big, small], 1.0)
    factor = 1.0 / (total + 1e-6)
    assert_tensor(
        big.grad,
        torch.tensor([30.0, 0.0, 40.0]) * factor,
        call="big.grad after clip_by_global_norm_([big, small], 1.0)",
        rtol=1e-5,
    )
    assert_tensor(
        small.grad,
        torch.tensor([0.3, 0.4]) * factor,
        call="small.grad after clip_by_global_norm_([big, small], 1.0)",
        rtol=1e-5,
    )


def test_gradient_health_flags_vanishing_exploding_and_broken_gradients():
    parameters = {
        name: nn.Parameter(torch.zeros(4))
        for name in ["tiny", "huge", "nan", "inf", "fine", "unused"]
    }
    parameters["tiny"].grad = torch.full((4,), 1e-9)
    parameters["huge"].grad = torch.full((4,), 1e4)
    parameters["nan"].grad = torch.tensor([0.1, float("nan"), 0.1, 0.1])
    parameters["inf"].grad = torch.tensor([0.0, float("inf"), 0.0, 0.0])
    parameters["fine"].grad = torch.full((4,), 0.5)
    expected = {
        "tiny": "vanishing",
        "huge": "exploding",
        "nan": "exploding",
        "inf": "exploding",
        "fine": "ok",
    }
    assert_equal(
        gradient_health(parameters.items()), expected, call="gradient_health(parameters.items())"
    )


def test_gradient_health_uses_the_given_thresholds():
    layer = nn.Linear(3, 2)
    layer.weight.grad = torch.full((2, 3), 0.01)  # norm 0.0245
    layer.bias.grad = torch.full((2,), 10.0)  # norm 14.1
    expected = {"weight": "vanishing", "bias": "exploding"}
    result = gradient_health(layer.named_parameters(), vanishing_below=0.1, exploding_above=5.0)
    assert_equal(
        result,
        expected,
        call="gradient_health(layer.named_parameters(), vanishing_below=0.1, exploding_above=5.0)",
    )


def test_gradient_health_measures_the_l2_norm_of_the_whole_gradient():
    # 10 000 equal elements: the L2 norm is 100 times each element (and the mean |grad|).
    parameters = {name: nn.Parameter(torch.zeros(100, 100)) for name in ["small", "moderate"]}
    parameters["small"].grad = torch.full((100, 100), 5e-8)  # norm 5e-6: ok
    parameters["moderate"].grad = torch.full((100, 100), 20.0)  # norm 2000: exploding
    expected = {"small": "ok", "moderate": "exploding"}
    assert_equal(
        gradient_health(parameters.items()),
        expected,
        call="gradient_health(parameters.items()) for (100, 100) gradients of 5e-8 and of 20.0 "
        "(L2 norms 5e-6 and 2000)",
    )


def test_gradient_health_of_a_trained_step_is_ok():
    model = model_with_gradients(seed=9)
    result = gradient_health(model.named_parameters())
    expected = {name: "ok" for name, _ in model.named_parameters()}
    assert_equal(
        result, expected, call="gradient_health(model.named_parameters()) for a small healthy MLP"
    )


@pytest.mark.gpu
def test_clip_by_global_norm_on_the_accelerator(device):
    model = model_with_gradients(seed=10, scale=5.0).to(device)
    reference = model_with_gradients(seed=10, scale=5.0).to(device)
    expected_norm = nn.utils.clip_grad_norm_(reference.parameters(), 0.5)
    norm = clip_by_global_norm_(model.parameters(), 0.5)
    assert_tensor(
        torch.as_tensor(norm),
        expected_norm,
        call="clip_by_global_norm_(parameters on the accelerator, 0.5)",
        rtol=1e-4,
        check_dtype=False,
        check_device=False,
    )
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        assert_tensor(
            p.grad,
            q.grad,
            call="a gradient after clip_by_global_norm_ on the accelerator",
            rtol=1e-4,
        )


def test_global_grad_norm_without_any_gradient_is_zero():
    parameters = [nn.Parameter(torch.ones(3)), nn.Parameter(torch.ones(2))]  # no .grad yet
    result = global_grad_norm(parameters)
    assert isinstance(result, torch.Tensor), (
        f"global_grad_norm(parameters without .grad) returned {type(result).__name__}, "
        f"expected a 0-dim tensor"
    )
    assert_tensor(
        result,
        torch.tensor(0.0),
        call="global_grad_norm(parameters) when no parameter has a .grad (the norm of nothing)",
    )


def tiny_gradients(values):
    parameter = nn.Parameter(torch.zeros(len(values)))
    parameter.grad = torch.tensor(values)
    return parameter


@pytest.mark.parametrize(
    ("values", "max_norm"),
    [
        pytest.param([3e-6, 4e-6], 1e-6, id="norm-5e-6-above-max-1e-6"),
        pytest.param([3e-6, 4e-6], 5e-6, id="norm-equal-to-max-5e-6"),
        pytest.param([3e-6, 4e-6], 6e-6, id="norm-5e-6-just-below-max-6e-6"),
    ],
)
def test_clipping_tiny_gradients_equals_clip_grad_norm(values, max_norm):
    # With norms near the epsilon, where it goes shows: max_norm / (total_norm + 1e-6), and
    # that factor is used whenever it is below 1 (clip_grad_norm_ clamps it at 1).
    parameter, reference = tiny_gradients(values), tiny_gradients(values)
    expected_norm = nn.utils.clip_grad_norm_([reference], max_norm)
    norm = clip_by_global_norm_([parameter], max_norm)
    label = f"clip_by_global_norm_([p], {max_norm}) with p.grad = {values}"
    assert_tensor(torch.as_tensor(norm).float(), expected_norm, call=f"{label} (its return value)")
    assert_tensor(
        parameter.grad,
        reference.grad,
        call=f"p.grad after {label}; clip_grad_norm_ multiplies by "
        f"min(1, max_norm / (total_norm + 1e-6))",
        rtol=1e-5,
        atol=0,
    )


def test_gradient_health_thresholds_are_strict():
    # A norm equal to a threshold is neither below nor above it: "ok".
    parameters = {name: nn.Parameter(torch.zeros(2)) for name in ["at_low", "at_high", "between"]}
    parameters["at_low"].grad = torch.tensor([0.0, 0.25])  # norm exactly 0.25
    parameters["at_high"].grad = torch.tensor([3.0, 4.0])  # norm exactly 5
    parameters["between"].grad = torch.tensor([0.0, 1.0])
    expected = {"at_low": "ok", "at_high": "ok", "between": "ok"}
    assert_equal(
        gradient_health(parameters.items(), vanishing_below=0.25, exploding_above=5.0),
        expected,
        call="gradient_health(parameters.items(), vanishing_below=0.25, exploding_above=5.0) for "
        "norms 0.25, 5 and 1 (a norm equal to a threshold is neither below nor above it)",
    )
    parameters["at_low"].grad = torch.tensor([0.0, 0.24])
    parameters["at_high"].grad = torch.tensor([3.0, 4.1])
    expected = {"at_low": "vanishing", "at_high": "exploding", "between": "ok"}
    assert_equal(
        gradient_health(parameters.items(), vanishing_below=0.25, exploding_above=5.0),
        expected,
        call="gradient_health(parameters.items(), vanishing_below=0.25, exploding_above=5.0) for "
        "norms 0.24, 5.06 and 1",
    )
