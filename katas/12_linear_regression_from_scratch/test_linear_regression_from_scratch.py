import pytest
import torch
from linear_regression_from_scratch import (
    fit_closed_form,
    fit_gradient_descent,
    mean_squared_error,
    predict,
)

from kata_helpers import assert_equal, assert_tensor, call, describe

# Gradient descent budget, stated in the README: standardised features, lr 0.1, 100 steps,
# every parameter within 1e-3 of the exact fit (measured on 20 seeds: see .meta/notes.md).
LR, STEPS, TOLERANCE = 0.1, 100, 1e-3


def make_data(seed, n=64, d=3, noise=0.1, dtype=torch.float64):
    """Standardised features and noisy targets from a known line: (N, d), (N,), w (d,), b ()."""
    g = torch.Generator().manual_seed(seed)
    features = torch.randn(n, d, generator=g, dtype=dtype)
    true_weight = torch.randn(d, generator=g, dtype=dtype) * 2
    true_bias = torch.randn((), generator=g, dtype=dtype) * 2 + 3
    targets = features @ true_weight + true_bias + noise * torch.randn(n, generator=g, dtype=dtype)
    return features, targets, true_weight, true_bias


def exact_fit(features, targets):
    """Least squares through centred data: the bias drops out, the weights solve a d x d system."""
    mean_x, mean_y = features.mean(0), targets.mean()
    centred = features - mean_x
    weight = torch.linalg.solve(centred.T @ centred, centred.T @ (targets - mean_y))
    return weight, mean_y - mean_x @ weight


def check_fit(result, expected_weight, expected_bias, label, **tolerances):
    assert isinstance(result, tuple) and len(result) >= 2, (
        f"{label} returned {describe(result)}, expected (weight, bias, ...)"
    )
    assert_tensor(result[0], expected_weight, call=f"{label}[0] (weight)", **tolerances)
    assert_tensor(result[1], expected_bias, call=f"{label}[1] (bias)", **tolerances)


def test_predict_is_features_times_weight_plus_bias():
    features = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    weight, bias = torch.tensor([2.0, -1.0]), torch.tensor(0.5)
    expected = torch.tensor([0.5, 1.5, 6.0])
    assert_tensor(
        predict(features, weight, bias), expected, call=call("predict", features, weight, bias)
    )


def test_predict_with_one_row_and_one_feature():
    features, weight, bias = torch.tensor([[4.0]]), torch.tensor([0.25]), torch.tensor(-1.0)
    assert_tensor(
        predict(features, weight, bias),
        torch.tensor([0.0]),
        call=call("predict", features, weight, bias),
    )


def test_mean_squared_error_averages_the_squared_errors():
    predictions, targets = torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([1.0, 0.0, 3.0, 8.0])
    result = mean_squared_error(predictions, targets)
    assert_tensor(result, torch.tensor(5.0), call=call("mean_squared_error", predictions, targets))


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_closed_form_recovers_a_noiseless_line_exactly(seed):
    features, _, true_weight, true_bias = make_data(seed)
    targets = features @ true_weight + true_bias
    check_fit(
        fit_closed_form(features, targets),
        true_weight,
        true_bias,
        "fit_closed_form(features, noiseless targets)",
        atol=1e-10,
        rtol=1e-10,
    )


@pytest.mark.parametrize(("n", "d"), [(64, 3), (5, 1), (40, 8)])
def test_fit_closed_form_equals_the_exact_least_squares_fit(n, d):
    features, targets, _, _ = make_data(n + d, n=n, d=d, noise=0.5)
    weight, bias = exact_fit(features, targets)
    check_fit(
        fit_closed_form(features, targets),
        weight,
        bias,
        f"fit_closed_form(features {(n, d)}, targets)",
    )


def test_fit_closed_form_residuals_are_orthogonal_to_the_features_and_sum_to_zero():
    features, targets, _, _ = make_data(7, noise=1.0)
    features = features + 5  # data far from the origin: a fit without bias misses it
    weight, bias = fit_closed_form(features, targets)
    residuals = targets - (features @ weight + bias)
    assert abs(residuals.sum().item()) < 1e-8, (
        f"the residuals of fit_closed_form sum to {residuals.sum().item():.3g}, expected 0: the bias "
        f"is not fitted (add a column of ones to the features)"
    )
    assert_tensor(
        features.T @ residuals,
        torch.zeros(3, dtype=torch.float64),
        call="featuresᵀ @ residuals of fit_closed_form",
        atol=1e-8,
    )


def test_fit_closed_form_keeps_float32():
    features, targets, true_weight, true_bias = make_data(3, dtype=torch.float32, noise=0.0)
    check_fit(
        fit_closed_form(features, targets),
        true_weight,
        true_bias,
        "fit_closed_form(float32 features, targets)",
        atol=1e-4,
        rtol=1e-4,
    )


def test_fit_closed_form_is_accurate_on_badly_conditioned_data():
    # one feature around a million, like a timestamp: cond(X) ~ 2e11, cond(XᵀX) ~ 4e22 > 1 / eps
    g = torch.Generator().manual_seed(11)
    times = 1e6 + torch.linspace(0, 20, 50, dtype=torch.float64)
    targets = 3 * (times - 1e6) + 5 + 0.1 * torch.randn(50, generator=g, dtype=torch.float64)
    features = times.unsqueeze(1)
    weight, bias = exact_fit(features, targets)
    result = fit_closed_form(features, targets)
    check_fit(
        result,
        weight,
        bias,
        "fit_closed_form(timestamps around 1e6, targets)",
        rtol=1e-9,
        atol=1e-9,
    )
    fitted = predict(features, result[0], result[1])
    assert_tensor(
        fitted,
        predict(features, weight, bias),
        call="predictions of fit_closed_form on timestamps around 1e6",
        rtol=0,
        atol=1e-6,
    )


def test_fit_gradient_descent_takes_exactly_the_first_step():
    features, targets, _, _ = make_data(4, n=10, d=2)
    result = fit_gradient_descent(features, targets, 0.05, 1)
    # from zero: d(MSE)/dw = -2/N Xᵀy, d(MSE)/db = -2 mean(y)
    check_fit(
        result,
        0.05 * 2 / 10 * features.T @ targets,
        0.05 * 2 * targets.mean(),
        "fit_gradient_descent(features, targets, lr=0.05, steps=1)",
    )
    assert_tensor(
        result[2],
        (targets**2).mean().reshape(1),
        call="fit_gradient_descent(..., steps=1)[2] (losses: the MSE of the zero model)",
        check_dtype=False,  # the README leaves the losses' dtype free
        rtol=1e-6,
    )


@pytest.mark.parametrize("seed", [0, 5, 9])
def test_fit_gradient_descent_reaches_the_exact_fit_within_the_budget(seed):
    features, targets, _, _ = make_data(seed)
    weight, bias = exact_fit(features, targets)
    result = fit_gradient_descent(features, targets, LR, STEPS)
    check_fit(
        result,
        weight,
        bias,
        f"fit_gradient_descent(data seed {seed}, lr={LR}, steps={STEPS})",
        rtol=0,
        atol=TOLERANCE,
    )


def test_fit_gradient_descent_loss_history_falls_to_the_least_squares_loss():
    features, targets, _, _ = make_data(2)
    weight, bias = exact_fit(features, targets)
    result = fit_gradient_descent(features, targets, LR, STEPS)
    losses = result[2]
    assert isinstance(losses, torch.Tensor), (
        f"fit_gradient_descent(...)[2] is {describe(losses)}, expected a tensor of losses"
    )
    assert_equal(tuple(losses.shape), (STEPS,), call="fit_gradient_descent(...)[2].shape")
    graphed = [
        name
        for name, t in zip(("weight", "bias", "losses"), result, strict=False)
        if isinstance(t, torch.Tensor) and t.requires_grad
    ]
    assert not graphed, (
        f"fit_gradient_descent returned tensors that still require grad: {', '.join(graphed)} "
        f"(result[{', '.join(str(('weight', 'bias', 'losses').index(n)) for n in graphed)}]). "
        f"Return detached copies (t.detach()); record each loss with loss.item() or "
        f"loss.detach(), not the loss tensor itself"
    )
    assert bool((losses.diff() <= 1e-12).all()), (
        f"the loss went up during gradient descent: {losses.tolist()[:10]} ..."
    )
    best = ((features @ weight + bias - targets) ** 2).mean()
    assert_tensor(
        losses[0],
        (targets**2).mean(),
        call="fit_gradient_descent(...)[2][0] (the MSE of the zero model)",
        check_dtype=False,
        rtol=1e-6,
    )
    assert abs(losses[-1].item() - best.item()) < 1e-4, (
        f"the last loss is {losses[-1].item():.6f}, the least-squares loss {best.item():.6f}"
    )


def test_fit_gradient_descent_with_one_feature_and_float32():
    features, targets, _, _ = make_data(6, n=32, d=1, dtype=torch.float32)
    weight, bias = exact_fit(features.double(), targets.double())
    result = fit_gradient_descent(features, targets, LR, STEPS)
    check_fit(
        result,
        weight.float(),
        bias.float(),
        f"fit_gradient_descent(float32, 1 feature, lr={LR}, steps={STEPS})",
        rtol=0,
        atol=TOLERANCE,
    )


@pytest.mark.gpu
def test_fit_gradient_descent_on_the_accelerator(device):
    features, targets, _, _ = make_data(8, dtype=torch.float32)
    weight, bias = exact_fit(features.double(), targets.double())
    result = fit_gradient_descent(features.to(device), targets.to(device), LR, STEPS)
    check_fit(
        result,
        weight.float().to(device),
        bias.float().to(device),
        "fit_gradient_descent on the accelerator",
        rtol=0,
        atol=TOLERANCE,
    )
