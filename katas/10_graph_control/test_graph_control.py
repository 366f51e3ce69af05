import pytest
import torch
from graph_control import (
    accumulated_gradient,
    evaluate_in_inference_mode,
    evaluate_without_graph,
    gradients_of_two_losses,
    gradients_per_batch,
    loss_to_fixed_target,
)

from kata_helpers import assert_equal, assert_tensor, call, describe


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def squared_error(weight, batch):
    """A batch is (m, d + 1): d features, then the target."""
    features, target = batch[:, :-1], batch[:, -1]
    return ((features @ weight - target) ** 2).mean()


def squared_error_gradient(weight, batch):
    # d/dw mean((Xw - y)^2) = 2/m Xᵀ(Xw - y)
    features, target = batch[:, :-1], batch[:, -1]
    return 2 / len(batch) * features.T @ (features @ weight.detach() - target)


def make_batches(sizes, d=3, seed=1):
    return [randn(m, d + 1, seed=seed + i) for i, m in enumerate(sizes)]


def parameter(d=3, seed=0, device="cpu"):
    return randn(d, seed=seed).to(device).requires_grad_(True)


@pytest.mark.parametrize("sizes", [[4, 5, 6], [1], [2, 2]], ids=["[4,5,6]", "[1]", "[2,2]"])
def test_gradients_per_batch_gives_each_batch_its_own_gradient(sizes):
    weight, batches = parameter(), make_batches(sizes)
    result = gradients_per_batch(weight, batches, squared_error)
    assert isinstance(result, list) and len(result) == len(sizes), (
        f"gradients_per_batch returned {describe(result)}, expected a list of {len(sizes)} gradients"
    )
    for i, (gradient, batch) in enumerate(zip(result, batches, strict=True)):
        assert_tensor(
            gradient, squared_error_gradient(weight, batch), call=f"gradients_per_batch(...)[{i}]"
        )


def test_gradients_per_batch_ignores_a_gradient_left_from_before():
    weight, batches = parameter(), make_batches([3, 3])
    weight.grad = torch.full((3,), 100.0, dtype=torch.float64)
    result = gradients_per_batch(weight, batches, squared_error)
    assert_tensor(
        result[0],
        squared_error_gradient(weight, batches[0]),
        call="gradients_per_batch(...)[0] with weight.grad = 100 beforehand",
    )


def test_gradients_per_batch_results_do_not_change_afterwards():
    weight, batches = parameter(), make_batches([3, 4])
    result = gradients_per_batch(weight, batches, squared_error)
    expected = [squared_error_gradient(weight, b) for b in batches]
    squared_error(weight, batches[0]).backward()  # the caller trains on
    if weight.grad is not None:
        weight.grad.zero_()
    for i in range(2):
        assert_tensor(
            result[i],
            expected[i],
            call=f"gradients_per_batch(...)[{i}] after a later backward and weight.grad.zero_()",
        )


@pytest.mark.parametrize("sizes", [[4, 4, 4], [2, 5], [6]], ids=["[4,4,4]", "[2,5]", "[6]"])
def test_accumulated_gradient_is_the_gradient_of_the_mean_loss(sizes):
    weight, batches = parameter(), make_batches(sizes, seed=10)
    expected = torch.stack([squared_error_gradient(weight, b) for b in batches]).mean(0)
    result = accumulated_gradient(weight, batches, squared_error)
    assert_tensor(
        result, expected, call=f"accumulated_gradient(weight, {len(sizes)} batches, squared_error)"
    )


def test_accumulated_gradient_ignores_a_gradient_left_from_before():
    weight, batches = parameter(), make_batches([3, 3], seed=20)
    weight.grad = torch.full((3,), -7.0, dtype=torch.float64)
    expected = torch.stack([squared_error_gradient(weight, b) for b in batches]).mean(0)
    result = accumulated_gradient(weight, batches, squared_error)
    assert_tensor(
        result, expected, call="accumulated_gradient(...) with weight.grad = -7 beforehand"
    )


def test_accumulated_gradient_equals_one_big_batch_for_equal_sizes():
    weight, batches = parameter(), make_batches([5, 5, 5, 5], seed=30)
    expected = squared_error_gradient(weight, torch.cat(batches))
    result = accumulated_gradient(weight, batches, squared_error)
    assert_tensor(
        result, expected, call="accumulated_gradient over 4 batches of 5 vs one batch of 20"
    )


@pytest.mark.gpu
def test_accumulated_gradient_on_the_accelerator(device):
    weight = parameter(device=device).float().detach().requires_grad_(True)
    batches = [b.float().to(device) for b in make_batches([4, 4], seed=40)]
    expected = torch.stack([squared_error_gradient(weight, b) for b in batches]).mean(0)
    result = accumulated_gradient(weight, batches, squared_error)
    assert_tensor(
        result, expected, call="accumulated_gradient on the accelerator", rtol=1e-4, atol=1e-5
    )


def shared_graph(x):
    hidden = x.exp()  # exp saves its result for backward: the graph holds tensors to free
    return (hidden**2).sum(), hidden.sin().sum()


def test_gradients_of_two_losses_keeps_them_apart():
    x = randn(4, seed=50).requires_grad_(True)
    loss_a, loss_b = shared_graph(x)
    result = gradients_of_two_losses(x, loss_a, loss_b)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"gradients_of_two_losses returned {describe(result)}, expected a pair"
    )
    e = x.detach().exp()
    assert_tensor(
        result[0], 2 * e**2, call="gradients_of_two_losses(x, sum(exp(x)**2), sum(sin(exp(x))))[0]"
    )
    assert_tensor(
        result[1],
        e.cos() * e,
        call="gradients_of_two_losses(x, sum(exp(x)**2), sum(sin(exp(x))))[1]",
    )


def test_gradients_of_two_losses_ignores_a_gradient_left_from_before():
    x = randn(2, 2, seed=51).requires_grad_(True)
    x.grad = torch.ones(2, 2, dtype=torch.float64)
    loss_a, loss_b = shared_graph(x)
    result = gradients_of_two_losses(x, loss_a, loss_b)
    e = x.detach().exp()
    assert_tensor(
        result[0], 2 * e**2, call="gradients_of_two_losses(...)[0] with x.grad = 1 beforehand"
    )
    assert_tensor(
        result[1], e.cos() * e, call="gradients_of_two_losses(...)[1] with x.grad = 1 beforehand"
    )


def test_loss_to_fixed_target_has_the_mean_squared_error_value():
    prediction, target = randn(5, seed=60), randn(5, seed=61)
    result = loss_to_fixed_target(prediction, target)
    assert_tensor(
        result,
        ((prediction - target) ** 2).mean(),
        call=call("loss_to_fixed_target", prediction, target),
    )


def test_loss_to_fixed_target_sends_gradient_through_the_prediction_only():
    weight = randn(4, seed=62).requires_grad_(True)
    features = randn(4, seed=63)
    prediction = weight * features
    target = 2 * weight.roll(1)  # computed from the same parameters: a moving target
    loss = loss_to_fixed_target(prediction, target)
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, (
        f"loss_to_fixed_target returned {describe(loss)}: it must stay in the graph through the prediction"
    )
    loss.backward()
    w = weight.detach()
    expected = 2 / 4 * (w * features - 2 * w.roll(1)) * features
    assert_tensor(
        weight.grad,
        expected,
        call="weight.grad after loss_to_fixed_target(w * x, 2 * w.roll(1)).backward()",
    )


def test_loss_to_fixed_target_leaves_the_target_in_its_graph():
    weight = randn(3, seed=64).requires_grad_(True)
    target = weight * 3
    loss_to_fixed_target(torch.zeros(3, dtype=torch.float64), target)
    assert target.requires_grad, (
        "loss_to_fixed_target changed the caller's target: it no longer requires grad (use target.detach(), not target.requires_grad_(False) or detach_())"
    )


def test_evaluate_without_graph_gives_the_values_without_a_graph():
    weight = randn(3, 2, seed=70).requires_grad_(True)
    x = randn(4, 3, seed=71)
    result = evaluate_without_graph(lambda t: torch.tanh(t @ weight), x)
    assert isinstance(result, torch.Tensor), f"evaluate_without_graph returned {describe(result)}"
    assert not result.requires_grad and result.grad_fn is None, (
        f"evaluate_without_graph(lambda t: tanh(t @ W), x) returned a tensor with requires_grad="
        f"{result.requires_grad} and grad_fn={result.grad_fn}: a graph was recorded"
    )
    assert_tensor(
        result,
        torch.tanh(x @ weight.detach()),
        call="evaluate_without_graph(lambda t: tanh(t @ W), x)",
    )


def test_evaluate_without_graph_leaves_grad_mode_on_afterwards():
    evaluate_without_graph(lambda t: t * 2, torch.ones(2))
    assert torch.is_grad_enabled(), (
        "after evaluate_without_graph, gradients are still switched off for the whole program: use a `with` block"
    )


def test_evaluate_without_graph_switches_recording_off_while_fn_runs():
    recording = []

    def fn(t):
        recording.append(torch.is_grad_enabled())
        return t * 2

    evaluate_without_graph(fn, torch.ones(2))
    assert recording == [False], (
        f"inside evaluate_without_graph, fn ran with torch.is_grad_enabled() == {recording}: "
        "recording was on, so a graph was built (and its memory spent) even if the result is "
        "detached afterwards. Run fn inside `with torch.no_grad():`."
    )


def test_evaluate_without_graph_result_can_enter_a_graph_later():
    x = randn(3, seed=74)
    result = evaluate_without_graph(lambda t: t * 2, x)
    assert isinstance(result, torch.Tensor) and not result.is_inference(), (
        f"evaluate_without_graph(lambda t: t * 2, x) returned {describe(result)} with "
        "is_inference() True: an inference tensor can never be saved for backward. Use "
        "torch.no_grad() here; inference_mode is task 5's other function."
    )
    weight = randn(3, seed=75).requires_grad_(True)
    (weight * result).sum().backward()
    assert_tensor(
        weight.grad,
        2 * x,
        call="weight.grad after (weight * evaluate_without_graph(...)).backward()",
    )


def test_evaluate_in_inference_mode_gives_an_inference_tensor():
    weight = randn(3, 2, seed=72).requires_grad_(True)
    x = randn(5, 3, seed=73)
    result = evaluate_in_inference_mode(lambda t: t @ weight, x)
    assert isinstance(result, torch.Tensor), (
        f"evaluate_in_inference_mode returned {describe(result)}"
    )
    assert_equal(
        result.is_inference(), True, call="evaluate_in_inference_mode(fn, x).is_inference()"
    )
    assert_tensor(
        result, x @ weight.detach(), call="evaluate_in_inference_mode(lambda t: t @ W, x)"
    )
    assert not torch.is_inference_mode_enabled(), (
        "inference mode is still on after the call: use a `with` block"
    )


def test_loss_to_fixed_target_averages_over_every_element_of_a_batch():
    # A batch of 3 predictions of 4 values: the mean is over all 12 elements, not over 3 rows.
    weight = randn(3, 4, seed=65).requires_grad_(True)
    target = randn(3, 4, seed=66)
    loss = loss_to_fixed_target(weight * 2, target)
    w = weight.detach()
    assert_tensor(
        loss,
        ((2 * w - target) ** 2).mean(),
        call=call("loss_to_fixed_target", weight * 2, target) + " (mean over all 12 elements)",
    )
    loss.backward()
    assert_tensor(
        weight.grad,
        2 * 2 * (2 * w - target) / 12,
        call="weight.grad after loss_to_fixed_target(2 * w, target).backward(), w of shape (3, 4)",
    )
