import pytest
import torch
import torch.nn.functional as F
from torch import nn
from vmap_and_per_sample_grads import batched_dot, per_sample_grads_loop, per_sample_grads_vmap

from kata_helpers import assert_equal, assert_tensor, call


def random(*shape, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator)


def linear():
    return nn.Linear(5, 3), (5,)


def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)), (4,)


def convnet():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3)), (
        1,
        6,
        6,
    )


MODELS = {"linear": linear, "mlp": mlp, "convnet": convnet}


def batch(make_model, batch_size, seed=0):
    torch.manual_seed(seed)
    model, sample_shape = make_model()
    x = random(batch_size, *sample_shape, seed=seed + 1)
    y = torch.randint(0, 3, (batch_size,), generator=torch.Generator().manual_seed(seed + 2))
    return model, x, y


def expected_per_sample_grads(model, x, y):
    """One backward per sample, zeroing .grad in between."""
    rows = {name: [] for name, _ in model.named_parameters()}
    for i in range(x.shape[0]):
        model.zero_grad()
        F.cross_entropy(model(x[i].unsqueeze(0)), y[i].unsqueeze(0)).backward()
        for name, p in model.named_parameters():
            rows[name].append(p.grad.clone())
    model.zero_grad()
    return {name: torch.stack(r) for name, r in rows.items()}


def assert_grads(result, expected, what):
    assert isinstance(result, dict), (
        f"{what} returned {type(result).__name__}, expected a dict of gradients"
    )
    assert_equal(sorted(result), sorted(expected), call=f"the names in {what}")
    for name, e in expected.items():
        assert_tensor(result[name], e, call=f"{what}[{name!r}]", rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(("batch_size", "n"), [(4, 3), (1, 5), (7, 1)])
def test_batched_dot_pairs_each_row_with_the_same_row(batch_size, n):
    a, b = random(batch_size, n, seed=1), random(batch_size, n, seed=2)
    expected = torch.stack([torch.dot(a[i], b[i]) for i in range(batch_size)])
    assert_tensor(batched_dot(a, b), expected, call=call("batched_dot", a, b), rtol=1e-5)


@pytest.mark.parametrize("model_name", list(MODELS))
@pytest.mark.parametrize("batch_size", [1, 5])
def test_per_sample_grads_loop_equals_one_backward_per_sample(model_name, batch_size):
    model, x, y = batch(MODELS[model_name], batch_size, seed=3)
    expected = expected_per_sample_grads(model, x, y)
    assert_grads(
        per_sample_grads_loop(model, x, y),
        expected,
        f"per_sample_grads_loop({model_name}, x of {tuple(x.shape)}, y)",
    )


@pytest.mark.parametrize("model_name", list(MODELS))
@pytest.mark.parametrize("batch_size", [1, 6])
def test_per_sample_grads_vmap_equals_one_backward_per_sample(model_name, batch_size):
    model, x, y = batch(MODELS[model_name], batch_size, seed=4)
    expected = expected_per_sample_grads(model, x, y)
    assert_grads(
        per_sample_grads_vmap(model, x, y),
        expected,
        f"per_sample_grads_vmap({model_name}, x of {tuple(x.shape)}, y)",
    )


def test_vmap_and_loop_agree():
    model, x, y = batch(mlp, 8, seed=5)
    assert_grads(
        per_sample_grads_vmap(model, x, y),
        per_sample_grads_loop(model, x, y),
        "per_sample_grads_vmap vs per_sample_grads_loop: vmap",
    )


def test_the_mean_of_per_sample_grads_is_the_batch_gradient():
    model, x, y = batch(mlp, 6, seed=6)
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()  # the mean loss over the batch
    batch_grads = {name: p.grad.clone() for name, p in model.named_parameters()}
    model.zero_grad()
    per_sample = per_sample_grads_vmap(model, x, y)
    for name, expected in batch_grads.items():
        result = per_sample[name].mean(dim=0)
        assert_tensor(
            result,
            expected,
            call=f"per_sample_grads_vmap(model, x, y)[{name!r}].mean(dim=0)",
            rtol=1e-4,
            atol=1e-6,
        )


def test_per_sample_grads_leave_the_model_unchanged():
    model, x, y = batch(linear, 3, seed=7)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    per_sample_grads_vmap(model, x, y)
    for name, p in model.named_parameters():
        assert_tensor(p.detach(), before[name], call=f"model.{name} after per_sample_grads_vmap")


@pytest.mark.gpu
def test_per_sample_grads_vmap_on_the_accelerator(device):
    model, x, y = batch(mlp, 5, seed=8)
    expected = expected_per_sample_grads(model, x, y)
    result = per_sample_grads_vmap(model.to(device), x.to(device), y.to(device))
    assert_grads(
        result,
        {k: v.to(device) for k, v in expected.items()},
        "per_sample_grads_vmap on the accelerator",
    )


@pytest.mark.parametrize(
    "function",
    [
        pytest.param(per_sample_grads_loop, id="loop"),
        pytest.param(per_sample_grads_vmap, id="vmap"),
    ],
)
def test_per_sample_grads_are_plain_numbers_and_leave_no_grad_behind(function):
    model, x, y = batch(mlp, 4, seed=9)
    result = function(model, x, y)
    what = f"{function.__name__}(model, x, y)"
    graphed = [name for name, g in result.items() if g.requires_grad]
    assert not graphed, (
        f"{what} returned gradients that still require grad (part of a graph back to the "
        f"model's parameters): {graphed}. Differentiate with respect to detached parameters "
        f"(p.detach()), or with torch.autograd.grad without create_graph"
    )
    written = [name for name, p in model.named_parameters() if p.grad is not None]
    assert not written, (
        f"{what} left .grad on the model's parameters {written}: compute the gradients without "
        f"writing them into the model (torch.autograd.grad, or torch.func.grad)"
    )
