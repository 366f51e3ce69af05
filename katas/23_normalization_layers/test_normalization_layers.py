import pytest
import torch
import torch.nn.functional as F
from normalization_layers import BatchNorm1d, layer_norm
from torch import nn

from kata_helpers import assert_tensor, call


def data(*shape, seed=0, scale=1.0, shift=0.0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype) * scale + shift


# Task 1: layer_norm


@pytest.mark.parametrize(
    ("shape", "normalized_shape"),
    [((4, 10), (10,)), ((1, 7), (7,)), ((2, 3, 8), (8,)), ((2, 3, 4, 5), (4, 5))],
    ids=["4x10-10", "1x7-7", "2x3x8-8", "2x3x4x5-4x5"],
)
@pytest.mark.parametrize("affine", [False, True])
def test_layer_norm_equals_torch(shape, normalized_shape, affine):
    x = data(*shape, seed=1, scale=3.0, shift=2.0)
    weight = data(*normalized_shape, seed=2) if affine else None
    bias = data(*normalized_shape, seed=3) if affine else None
    expected = F.layer_norm(x, normalized_shape, weight, bias)
    result = layer_norm(x, normalized_shape, weight, bias)
    what = call("layer_norm", x, normalized_shape, weight, bias)
    assert_tensor(result, expected, call=what, atol=1e-5, rtol=1e-5)


def test_layer_norm_normalises_each_sample_on_its_own():
    x = data(5, 6, seed=4)
    alone = layer_norm(x[2:3], (6,))
    changed = x.clone()
    changed[0] *= 100  # another sample: must not matter
    assert_tensor(
        layer_norm(changed, (6,))[2:3],
        alone,
        call="layer_norm(x, (6,)) for row 2, after scaling row 0",
        atol=1e-5,
    )


def test_layer_norm_is_accurate_for_a_large_offset_and_a_custom_eps():
    x = data(3, 16, seed=5, scale=0.5, shift=1000.0)
    expected = F.layer_norm(x, (16,), eps=1e-3)
    result = layer_norm(x, (16,), eps=1e-3)
    assert_tensor(
        result, expected, call=call("layer_norm", x, (16,), eps=1e-3), atol=1e-3, rtol=1e-3
    )


def test_layer_norm_adds_eps_to_the_variance_under_the_square_root():
    # A variance of 1e-4 next to eps = 1e-3: sqrt(var + eps) and sqrt(var) + eps differ by 3x.
    x = data(4, 12, seed=12, scale=0.01, shift=1.0)
    expected = F.layer_norm(x, (12,), eps=1e-3)
    result = layer_norm(x, (12,), eps=1e-3)
    assert_tensor(
        result, expected, call=call("layer_norm", x, (12,), eps=1e-3), atol=1e-4, rtol=1e-4
    )


def test_layer_norm_gradients_equal_torch_in_float64():
    x = data(3, 4, 5, seed=6, dtype=torch.float64).requires_grad_()
    weight = data(4, 5, seed=7, dtype=torch.float64).requires_grad_()
    bias = data(4, 5, seed=8, dtype=torch.float64).requires_grad_()
    upstream = data(3, 4, 5, seed=9, dtype=torch.float64)
    (layer_norm(x, (4, 5), weight, bias) * upstream).sum().backward()
    mine = [t.grad for t in (x, weight, bias)]
    for t in (x, weight, bias):
        t.grad = None
    (F.layer_norm(x, (4, 5), weight, bias) * upstream).sum().backward()
    for name, actual, tensor in zip(["x", "weight", "bias"], mine, (x, weight, bias), strict=True):
        assert_tensor(
            actual, tensor.grad, call=f"layer_norm(x, (4, 5), weight, bias): gradient of {name}"
        )


# Tasks 2 and 3: BatchNorm1d


def twin_batch_norms(num_features, momentum=0.1, dtype=torch.float32):
    """The learner's BatchNorm1d and PyTorch's, with the same random affine parameters."""
    mine = BatchNorm1d(num_features, momentum=momentum).to(dtype)
    theirs = nn.BatchNorm1d(num_features, momentum=momentum).to(dtype)
    with torch.no_grad():
        for module in (mine, theirs):
            module.weight.copy_(data(num_features, seed=10, dtype=dtype))
            module.bias.copy_(data(num_features, seed=11, dtype=dtype))
    return mine, theirs


def assert_same_running_stats(mine, theirs, when):
    for name in ("running_mean", "running_var"):
        assert_tensor(
            getattr(mine, name), getattr(theirs, name), call=f"BatchNorm1d.{name} {when}", atol=1e-5
        )


@pytest.mark.parametrize("shape", [(8, 3), (2, 4), (4, 3, 5), (1, 3, 6)], ids=str)
def test_batch_norm_in_training_normalises_with_the_batch_and_tracks_running_stats(shape):
    mine, theirs = twin_batch_norms(shape[1])
    for step in range(3):
        x = data(*shape, seed=20 + step, scale=2.0, shift=step - 1.0)
        assert_tensor(
            mine(x),
            theirs(x),
            call=f"BatchNorm1d (training) on batch {step}: output",
            atol=1e-5,
            rtol=1e-5,
        )
        assert_same_running_stats(mine, theirs, f"after training batch {step} of shape {shape}")


@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batch_norm_running_stats_follow_the_momentum(momentum):
    mine, theirs = twin_batch_norms(4, momentum=momentum)
    for step in range(4):
        x = data(6, 4, seed=30 + step, scale=3.0, shift=5.0)
        mine(x), theirs(x)
    assert_same_running_stats(mine, theirs, f"after 4 training batches with momentum={momentum}")


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)], ids=str)
def test_batch_statistics_returns_the_mean_and_biased_variance_per_feature(shape):
    norm = BatchNorm1d(shape[1], momentum=0.5)
    x = data(*shape, seed=35, scale=2.0, shift=1.0, dtype=torch.float64)
    per_feature = x.transpose(0, 1).reshape(shape[1], -1)  # (C, all the values of a feature)
    with torch.no_grad():
        norm.double()
        mean, var = norm.batch_statistics(x)
    what = call("BatchNorm1d.batch_statistics", x)
    assert_tensor(mean, per_feature.mean(dim=1), call=what + ": the mean")
    assert_tensor(var, per_feature.var(dim=1, correction=0), call=what + ": the (biased) variance")
    unbiased = per_feature.var(dim=1, correction=1)
    assert_tensor(norm.running_mean, 0.5 * per_feature.mean(dim=1), call=what + ": running_mean")
    assert_tensor(norm.running_var, 0.5 + 0.5 * unbiased, call=what + ": running_var")


def test_batch_norm_running_stats_stay_out_of_autograd():
    norm = BatchNorm1d(3)
    for step in range(2):
        x = data(5, 3, seed=36 + step).requires_grad_()
        norm(x).sum().backward()
    buffers = dict(norm.named_buffers())
    for name in ("running_mean", "running_var"):
        stat = getattr(norm, name)
        assert not stat.requires_grad and stat.grad_fn is None, (
            f"after a training forward on an input that requires grad, BatchNorm1d.{name} is part "
            f"of autograd's graph (grad_fn={stat.grad_fn}): update it under torch.no_grad() "
            "(or from detached statistics), in place"
        )
        assert buffers.get(name) is stat, f"BatchNorm1d.{name} is no longer a registered buffer"


def test_batch_norm_training_gradients_flow_through_the_batch_statistics():
    mine, theirs = twin_batch_norms(3, dtype=torch.float64)
    x = data(5, 3, 2, seed=40, dtype=torch.float64).requires_grad_()
    upstream = data(5, 3, 2, seed=41, dtype=torch.float64)
    (mine(x) * upstream).sum().backward()
    mine_grads = [x.grad, mine.weight.grad, mine.bias.grad]
    x.grad = None
    (theirs(x) * upstream).sum().backward()
    expected = [x.grad, theirs.weight.grad, theirs.bias.grad]
    for name, actual, wanted in zip(["x", "weight", "bias"], mine_grads, expected, strict=True):
        assert_tensor(actual, wanted, call=f"BatchNorm1d (training): gradient of {name}")


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)], ids=str)
def test_batch_norm_in_eval_uses_the_running_stats(shape):
    mine, theirs = twin_batch_norms(shape[1])
    for step in range(3):
        x = data(*shape, seed=50 + step, scale=2.0, shift=1.0)
        mine(x), theirs(x)
    mine.eval(), theirs.eval()
    x = data(*shape, seed=60, scale=5.0, shift=-3.0)
    assert_tensor(
        mine(x), theirs(x), call="BatchNorm1d (eval) after 3 training batches", atol=1e-5, rtol=1e-5
    )
    assert_same_running_stats(mine, theirs, "after an eval forward (eval must not update them)")


def test_batch_norm_in_eval_treats_each_sample_on_its_own():
    norm = BatchNorm1d(4)
    with torch.no_grad():
        norm.running_mean.copy_(torch.tensor([1.0, -1.0, 0.0, 2.0]))
        norm.running_var.copy_(torch.tensor([4.0, 1.0, 0.25, 9.0]))
    norm.eval()
    x = data(6, 4, seed=70, scale=3.0)
    expected = (x - norm.running_mean) / torch.sqrt(norm.running_var + norm.eps)
    assert_tensor(norm(x), expected, call="BatchNorm1d (eval) with set running stats", atol=1e-5)
    assert_tensor(norm(x[:1]), expected[:1], call="BatchNorm1d (eval) on a batch of 1", atol=1e-5)


@pytest.mark.gpu
def test_batch_norm_and_layer_norm_run_on_the_accelerator(device):
    mine, theirs = twin_batch_norms(3)
    mine, theirs = mine.to(device), theirs.to(device)
    x = data(6, 3, 4, seed=80).to(device)
    assert_tensor(
        mine(x), theirs(x), call="BatchNorm1d (training) on the accelerator", atol=1e-4, rtol=1e-4
    )
    assert_same_running_stats(mine, theirs, "on the accelerator")
    mine.eval(), theirs.eval()
    assert_tensor(
        mine(x), theirs(x), call="BatchNorm1d (eval) on the accelerator", atol=1e-4, rtol=1e-4
    )
    expected = F.layer_norm(x, (4,))
    assert_tensor(
        layer_norm(x, (4,)), expected, call="layer_norm on the accelerator", atol=1e-4, rtol=1e-4
    )
