import pytest
import torch
from gradient_descent_by_hand import (
    gradient_descent,
    largest_stable_learning_rate,
    loss_curve,
    momentum_descent,
)

from kata_helpers import assert_equal, assert_tensor, call, describe


def parabola(t):
    return (t - 3) ** 2


def double_well(t):
    return t**4 - 3 * t**2 + t


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


HESSIAN = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
B = torch.tensor([1.0, -1.0], dtype=torch.float64)


def quadratic(p):
    return 0.5 * p @ HESSIAN @ p - B @ p


def sgd_reference(fn, start, lr, steps, momentum=0.0):
    """The trajectory of torch.optim.SGD(lr=lr, momentum=momentum), written out functionally
    (constructing a torch.optim optimizer costs seconds on its first use)."""
    point, velocity = start.detach().clone(), torch.zeros_like(start)
    trajectory = [point]
    for _ in range(steps):
        variable = point.detach().requires_grad_(True)
        (gradient,) = torch.autograd.grad(fn(variable), variable)
        velocity = momentum * velocity + gradient
        point = point - lr * velocity
        trajectory.append(point)
    return torch.stack(trajectory)


def check_trajectory(result, expected, label):
    assert isinstance(result, torch.Tensor), (
        f"{label} returned {describe(result)}, expected a trajectory tensor"
    )
    assert not result.requires_grad, (
        f"{label} returned a trajectory that requires grad: store detached copies"
    )
    assert_tensor(result, expected, call=label)


def test_gradient_descent_on_a_parabola_follows_the_closed_form():
    start = torch.tensor(0.0, dtype=torch.float64)
    result = gradient_descent(parabola, start, 0.1, 10)
    # x_k = 3 - 3 * 0.8**k: each step removes a fifth of the distance to the minimum
    expected = 3 - 3 * 0.8 ** torch.arange(11, dtype=torch.float64)
    check_trajectory(result, expected, "gradient_descent((t - 3)**2, start=0.0, lr=0.1, steps=10)")


@pytest.mark.parametrize(
    ("name", "fn", "start", "lr", "steps"),
    [
        ("double_well", double_well, [2.0], 0.01, 30),
        ("double_well", double_well, [-0.5], 0.05, 20),
        ("quadratic", quadratic, [2.0, -3.0], 0.2, 25),
        ("rosenbrock", rosenbrock, [-1.0, 1.0], 0.001, 40),
    ],
    ids=[
        "double_well-double_well-[2.0]-0.01-30",
        "double_well-double_well-[-0.5]-0.05-20",
        "quadratic-quadratic-[2.0,-3.0]-0.2-25",
        "rosenbrock-rosenbrock-[-1.0,1.0]-0.001-40",
    ],
)
def test_gradient_descent_matches_torch_sgd(name, fn, start, lr, steps):
    start = torch.tensor(start, dtype=torch.float64)
    if name == "double_well":
        start = start[0]  # a 0-d start: a 1-D function
    expected = sgd_reference(fn, start, lr, steps)
    result = gradient_descent(fn, start, lr, steps)
    check_trajectory(
        result,
        expected,
        f"gradient_descent({name}, start={start.tolist()}, lr={lr}, steps={steps})",
    )


def test_gradient_descent_with_zero_steps_is_the_start_alone():
    start = torch.tensor([1.0, 2.0], dtype=torch.float64)
    check_trajectory(
        gradient_descent(quadratic, start, 0.1, 0),
        start.unsqueeze(0),
        "gradient_descent(quadratic, [1, 2], lr=0.1, steps=0)",
    )


def test_gradient_descent_keeps_float32_and_leaves_start_alone():
    start = torch.tensor([0.5, 0.5])
    result = gradient_descent(lambda p: (p**2).sum(), start, 0.25, 3)
    expected = torch.tensor([[0.5, 0.5], [0.25, 0.25], [0.125, 0.125], [0.0625, 0.0625]])
    check_trajectory(
        result, expected, "gradient_descent(sum(p**2), float32 [0.5, 0.5], lr=0.25, steps=3)"
    )
    assert_tensor(start, torch.tensor([0.5, 0.5]), call="the caller's start after gradient_descent")
    assert not start.requires_grad and start.grad is None, (
        "gradient_descent changed the caller's start: it now requires grad or has a .grad"
    )


@pytest.mark.gpu
def test_gradient_descent_runs_on_the_accelerator(device):
    start = torch.tensor([2.0, -1.0], device=device)
    result = gradient_descent(lambda p: ((p - 1) ** 2).sum(), start, 0.25, 4)
    expected = 1 + (start.cpu() - 1) * 0.5 ** torch.arange(5.0).unsqueeze(1)
    assert_tensor(result, expected.to(device), call="gradient_descent on the accelerator")


@pytest.mark.parametrize(
    ("name", "fn", "start", "lr", "momentum", "steps"),
    [
        ("quadratic", quadratic, [2.0, -3.0], 0.1, 0.9, 30),
        ("rosenbrock", rosenbrock, [-1.0, 1.0], 0.0005, 0.8, 40),
        ("parabola", parabola, 0.0, 0.05, 0.5, 15),
    ],
    ids=[
        "quadratic-quadratic-[2.0,-3.0]-0.1-0.9-30",
        "rosenbrock-rosenbrock-[-1.0,1.0]-0.0005-0.8-40",
        "parabola-parabola-0.0-0.05-0.5-15",
    ],
)
def test_momentum_descent_matches_torch_sgd_with_momentum(name, fn, start, lr, momentum, steps):
    start = torch.tensor(start, dtype=torch.float64)
    expected = sgd_reference(fn, start, lr, steps, momentum)
    result = momentum_descent(fn, start, lr, momentum, steps)
    check_trajectory(
        result,
        expected,
        f"momentum_descent({name}, start={start.tolist()}, lr={lr}, momentum={momentum}, steps={steps})",
    )


def test_momentum_descent_with_zero_momentum_is_plain_gradient_descent():
    start = torch.tensor(0.0, dtype=torch.float64)
    expected = 3 - 3 * 0.8 ** torch.arange(6, dtype=torch.float64)
    check_trajectory(
        momentum_descent(parabola, start, 0.1, 0.0, 5),
        expected,
        "momentum_descent((t - 3)**2, 0.0, lr=0.1, momentum=0, steps=5)",
    )


def test_momentum_descent_keeps_float32_and_leaves_start_alone():
    start = torch.tensor([0.5, -0.5])
    result = momentum_descent(lambda p: (p**2).sum(), start, 0.25, 0.5, 3)
    # grad = 2p; v1 = 2p0, p1 = p0/2; v2 = p0 + p0 = 2p0, p2 = 0; v3 = p0, p3 = -p0/4
    expected = torch.tensor([[0.5, -0.5], [0.25, -0.25], [0.0, 0.0], [-0.125, 0.125]])
    check_trajectory(
        result,
        expected,
        "momentum_descent(sum(p**2), float32 [0.5, -0.5], lr=0.25, momentum=0.5, steps=3)",
    )
    assert_tensor(
        start, torch.tensor([0.5, -0.5]), call="the caller's start after momentum_descent"
    )
    assert not start.requires_grad and start.grad is None, (
        "momentum_descent changed the caller's start: it now requires grad or has a .grad"
    )


def test_momentum_reaches_the_minimum_of_an_ill_conditioned_quadratic_faster():
    hessian = torch.diag(torch.tensor([1.0, 50.0], dtype=torch.float64))

    def narrow_valley(p):
        return 0.5 * p @ hessian @ p

    start = torch.tensor([1.0, 1.0], dtype=torch.float64)
    plain = gradient_descent(narrow_valley, start, 0.03, 60)[-1].norm().item()
    heavy = momentum_descent(narrow_valley, start, 0.03, 0.7, 60)[-1].norm().item()
    assert heavy < plain / 10, (
        f"after 60 steps at lr=0.03 on a narrow valley, momentum=0.7 ends {heavy:.2e} from the "
        f"minimum and plain descent {plain:.2e}: momentum should be far closer"
    )


def test_loss_curve_evaluates_fn_at_every_point():
    trajectory = torch.tensor([[2.0, -3.0], [1.0, 0.5], [0.0, 0.0]], dtype=torch.float64)
    expected = torch.stack([quadratic(p) for p in trajectory])
    result = loss_curve(quadratic, trajectory)
    assert_tensor(result, expected, call=call("loss_curve", "quadratic", trajectory))
    assert not result.requires_grad, "loss_curve returned values that require grad"


def test_loss_curve_of_a_1d_trajectory():
    trajectory = torch.tensor([0.0, 1.0, 2.5, 3.0], dtype=torch.float64)
    assert_tensor(
        loss_curve(parabola, trajectory),
        torch.tensor([9.0, 4.0, 0.25, 0.0], dtype=torch.float64),
        call=call("loss_curve", "(t - 3)**2", trajectory),
    )


def test_loss_falls_steadily_with_a_small_learning_rate_and_oscillates_with_a_large_one():
    start = torch.tensor(0.0, dtype=torch.float64)
    small = loss_curve(parabola, gradient_descent(parabola, start, 0.1, 20))
    assert bool((small.diff() < 0).all()), (
        f"with lr=0.1 the loss should fall at every step: {small.tolist()}"
    )
    # lr = 0.9: each step overshoots to the other side, x - 3 is multiplied by -0.8
    trajectory = gradient_descent(parabola, start, 0.9, 6)
    signs = torch.sign(trajectory - 3)
    assert_tensor(
        signs,
        torch.tensor([-1.0, 1, -1, 1, -1, 1, -1], dtype=torch.float64),
        call="sign(x - 3) along gradient_descent((t - 3)**2, 0.0, lr=0.9, steps=6)",
    )


@pytest.mark.parametrize(
    ("hessian", "expected"),
    [
        ([[1.0, 0.0], [0.0, 4.0]], 0.5),
        ([[3.0, 1.0], [1.0, 2.0]], 2 / (2.5 + 5**0.5 / 2)),
        ([[10.0]], 0.2),
    ],
    ids=["[[1.0,0.0],[0.0,4.0]]-0.5", "[[3.0,1.0],[1.0,2.0]]-2/(2.5+5**0.5/2)", "[[10.0]]-0.2"],
)
def test_largest_stable_learning_rate_is_two_over_the_largest_eigenvalue(hessian, expected):
    hessian = torch.tensor(hessian, dtype=torch.float64)
    result = largest_stable_learning_rate(hessian)
    assert isinstance(result, float), (
        f"largest_stable_learning_rate returned {describe(result)}, expected a Python float"
    )
    assert abs(result - expected) < 1e-9, (
        f"largest_stable_learning_rate({hessian.tolist()}) returned {result}, expected {expected}"
    )


def test_gradient_descent_converges_just_below_the_stable_rate_and_diverges_just_above():
    hessian = torch.diag(torch.tensor([1.0, 10.0], dtype=torch.float64))
    limit = largest_stable_learning_rate(hessian)
    assert_equal(round(limit, 9), 0.2, call="round(largest_stable_learning_rate(diag(1, 10)), 9)")

    def bowl(p):
        return 0.5 * p @ hessian @ p

    start = torch.tensor([1.0, 1.0], dtype=torch.float64)
    below = gradient_descent(bowl, start, 0.9 * limit, 300)[-1].norm().item()
    above = gradient_descent(bowl, start, 1.1 * limit, 300)[-1].norm().item()
    assert below < 1e-3, (
        f"at 0.9 x the stable rate, gradient descent ends {below:.2e} from the minimum, expected < 1e-3"
    )
    assert above > 1e3, (
        f"at 1.1 x the stable rate, gradient descent ends {above:.2e} from the minimum, expected it to diverge"
    )


@pytest.mark.parametrize(
    "function",
    [
        pytest.param("gradient_descent", id="gradient_descent"),
        pytest.param("momentum_descent", id="momentum_descent"),
    ],
)
def test_a_start_that_already_requires_grad_is_left_alone(function):
    # A model's weights are nn.Parameters: they require grad before any descent starts.
    start = torch.nn.Parameter(torch.tensor([0.5, -1.0], dtype=torch.float64))
    fn = lambda p: (p**2).sum()  # noqa: E731
    if function == "gradient_descent":
        result = gradient_descent(fn, start, 0.25, 3)
    else:
        result = momentum_descent(fn, start, 0.25, 0.5, 3)
    expected = sgd_reference(
        fn, start.detach(), 0.25, 3, momentum=0.0 if function == "gradient_descent" else 0.5
    )
    label = f"{function}(sum(p**2), nn.Parameter([0.5, -1.0]), lr=0.25, steps=3)"
    check_trajectory(result, expected, label)
    assert start.grad is None, (
        f"after {label} the caller's parameter has .grad={describe(start.grad)}: the gradients "
        f"flowed into it. Descend from a detached copy (start.detach().clone().requires_grad_())."
    )
    assert_tensor(
        start.detach(),
        torch.tensor([0.5, -1.0], dtype=torch.float64),
        call=f"the caller's start after {label}",
    )
