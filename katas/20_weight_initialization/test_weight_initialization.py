import math

import pytest
import torch
from torch import nn
from weight_initialization import (
    fan_in_and_fan_out,
    gain,
    init_relu_network_,
    kaiming_normal_,
    xavier_uniform_,
)

from kata_helpers import assert_equal, assert_tensor, call


def assert_std(weight, expected, name, rtol=0.05):
    actual = weight.detach().float().std().item()
    assert abs(actual - expected) <= rtol * expected, (
        f"{name}: the weights' standard deviation is {actual:.5f}, expected {expected:.5f} "
        f"(within {rtol:.0%}) for shape {tuple(weight.shape)}"
    )


def assert_in_place(result, weight, name):
    assert result is weight, f"{name} must fill the tensor it was given and return that tensor"
    assert weight.grad_fn is None, (
        f"{name} recorded the fill in autograd's graph (grad_fn={weight.grad_fn}): wrap it in "
        "torch.no_grad()"
    )


# Task 1: fans


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((3, 5), (5, 3)),  # Linear(5, 3)
        ((1, 1), (1, 1)),
        ((8, 4, 3, 3), (36, 72)),  # Conv2d(4, 8, 3)
        ((6, 2, 5), (10, 30)),  # Conv1d(2, 6, 5)
        ((4, 2, 3, 1, 2), (12, 24)),  # Conv3d(2, 4, (3, 1, 2))
    ],
    ids=["3x5-5x3", "1x1-1x1", "8x4x3x3-36x72", "6x2x5-10x30", "4x2x3x1x2-12x24"],
)
def test_fan_in_and_fan_out_count_the_receptive_field(shape, expected):
    weight = torch.empty(shape)
    assert_equal(fan_in_and_fan_out(weight), expected, call=call("fan_in_and_fan_out", weight))


def test_fan_in_and_fan_out_reject_a_vector():
    with pytest.raises(ValueError):
        fan_in_and_fan_out(torch.empty(5))


# Task 2: gains


@pytest.mark.parametrize(
    ("nonlinearity", "slope"),
    [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", 0.2)],
)
def test_gain_equals_torch_calculate_gain(nonlinearity, slope):
    args = (nonlinearity,) if slope is None else (nonlinearity, slope)
    expected = nn.init.calculate_gain(*args)
    result = gain(*args)
    # calculate_gain itself returns the int 1 for "linear" and "sigmoid": any real number will do.
    is_number = isinstance(result, (int, float)) and not isinstance(result, bool)
    assert is_number and math.isclose(result, expected, rel_tol=1e-9), (
        f"{call('gain', *args)} returned {result!r}, expected {expected!r}"
    )


def test_gain_rejects_an_unknown_nonlinearity():
    with pytest.raises(ValueError):
        gain("softsign_squared")


# Task 3: Xavier uniform


@pytest.mark.parametrize(
    ("shape", "gain_", "fans"),
    [((64, 1024), 1.0, 1024 + 64), ((32, 16, 3, 3), 1.0, (16 + 32) * 9), ((200, 300), 2.0, 500)],
    ids=["64x1024-1.0-1024+64", "32x16x3x3-1.0-(16+32)*9", "200x300-2.0-500"],
)
def test_xavier_uniform_has_the_glorot_bound_and_variance(shape, gain_, fans):
    weight = torch.empty(shape)
    result = xavier_uniform_(weight, gain=gain_)
    assert_in_place(result, weight, "xavier_uniform_")
    bound = gain_ * math.sqrt(6 / fans)
    largest = weight.abs().max().item()
    assert largest <= bound * (1 + 1e-6) and largest > 0.97 * bound, (
        f"xavier_uniform_ on shape {shape}, gain={gain_}: the largest |weight| is {largest:.5f}, "
        f"expected just under the bound gain * sqrt(6 / (fan_in + fan_out)) = {bound:.5f}"
    )
    assert_std(weight, bound / math.sqrt(3), f"xavier_uniform_(shape {shape}, gain={gain_})")


def test_xavier_uniform_fills_a_parameter_without_recording_it():
    layer = nn.Linear(40, 30)
    result = xavier_uniform_(layer.weight)
    assert result is layer.weight, "xavier_uniform_ must return the parameter it filled"
    assert layer.weight.requires_grad and layer.weight.grad_fn is None, (
        "after xavier_uniform_ the parameter must still be a leaf that requires grad"
    )


def test_xavier_uniform_is_reproducible_with_a_generator():
    first = xavier_uniform_(torch.empty(20, 30), generator=torch.Generator().manual_seed(3))
    again = xavier_uniform_(torch.empty(20, 30), generator=torch.Generator().manual_seed(3))
    other = xavier_uniform_(torch.empty(20, 30), generator=torch.Generator().manual_seed(4))
    assert_tensor(again, first, call="xavier_uniform_(w, generator=seeded 3) twice")
    assert not torch.equal(first, other), "different generator seeds gave the same weights"


# Task 4: Kaiming normal


@pytest.mark.parametrize(
    ("mode", "nonlinearity", "fan"),
    [
        ("fan_in", "relu", 1024),
        ("fan_out", "relu", 64),
        ("fan_in", "tanh", 1024),
        ("fan_in", "linear", 1024),
    ],
)
def test_kaiming_normal_scales_by_the_gain_over_the_chosen_fan(mode, nonlinearity, fan):
    weight = torch.empty(64, 1024)
    result = kaiming_normal_(weight, mode=mode, nonlinearity=nonlinearity)
    assert_in_place(result, weight, "kaiming_normal_")
    expected = nn.init.calculate_gain(nonlinearity) / math.sqrt(fan)
    assert_std(
        weight, expected, f"kaiming_normal_(w, mode={mode!r}, nonlinearity={nonlinearity!r})"
    )


def test_kaiming_normal_counts_a_conv_kernel_in_the_fan():
    weight = torch.empty(64, 32, 3, 3)
    kaiming_normal_(weight)
    assert_std(weight, math.sqrt(2 / (32 * 9)), "kaiming_normal_(conv weight (64, 32, 3, 3))")


def test_kaiming_normal_draws_from_a_normal_distribution():
    weight = kaiming_normal_(torch.empty(256, 256))
    std = math.sqrt(2 / 256)
    beyond = (weight.abs() > 2 * std).float().mean().item()
    assert 0.035 < beyond < 0.056, (
        f"kaiming_normal_: {beyond:.2%} of the weights lie beyond 2 standard deviations; a normal "
        "distribution puts 4.6% there (a uniform puts none)"
    )
    assert abs(weight.mean().item()) < 0.1 * std, "kaiming_normal_: the weights' mean is not 0"


def test_kaiming_normal_is_reproducible_with_a_generator():
    first = kaiming_normal_(torch.empty(8, 9), generator=torch.Generator().manual_seed(5))
    again = kaiming_normal_(torch.empty(8, 9), generator=torch.Generator().manual_seed(5))
    assert_tensor(again, first, call="kaiming_normal_(w, generator=seeded 5) twice")


# Task 5: a deep ReLU network


def relu_stack(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers)


def last_preactivation_scale(model, x):
    """Mean square of the input to the last ReLU, relative to the input's."""
    preactivation = model[:-1](x)
    return (preactivation.pow(2).mean() / x.pow(2).mean()).item()


def test_init_relu_network_keeps_the_scale_through_16_layers():
    x = torch.randn(128, 256, generator=torch.Generator().manual_seed(1))
    model = relu_stack(16, 256)
    with torch.no_grad():
        default_scale = last_preactivation_scale(model, x)
        result = init_relu_network_(model)
        assert result is model, "init_relu_network_ must return the model it was given"
        scale = last_preactivation_scale(model, x)
    assert 1 / 8 < scale < 8, (
        f"after init_relu_network_, the activations' mean square went from 1 to {scale:.3g} "
        f"over 16 Linear+ReLU layers (PyTorch's default init gives {default_scale:.2g}); "
        "Kaiming init for ReLU keeps it near 1"
    )


def test_init_relu_network_draws_only_from_the_generator_it_is_given():
    def initialised(global_seed):
        torch.manual_seed(global_seed)  # the global generator must not matter
        model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Sequential(nn.Linear(5, 4)))
        return init_relu_network_(model, generator=torch.Generator().manual_seed(7))

    first, again = initialised(1), initialised(2)
    for name in ("0", "2.0"):
        assert_tensor(
            again.get_submodule(name).weight,
            first.get_submodule(name).weight,
            call=f"init_relu_network_(model, generator=seeded 7) twice: layer {name}'s weight "
            "(pass the generator on to every layer's initialiser)",
        )


def test_init_relu_network_reaches_nested_layers_and_zeroes_biases():
    model = nn.Sequential(
        nn.Linear(300, 200),
        nn.ReLU(),
        nn.Sequential(nn.Linear(200, 400), nn.ReLU(), nn.LayerNorm(400)),
        nn.ModuleList([nn.Linear(400, 100, bias=False)]),
    )
    with torch.no_grad():
        model[2][2].weight.fill_(3.0)
    init_relu_network_(model)
    for name, fan_in in [("0", 300), ("2.0", 200), ("3.0", 400)]:
        layer = model.get_submodule(name)
        assert_std(layer.weight, math.sqrt(2 / fan_in), f"init_relu_network_: layer {name}")
        if layer.bias is not None:
            assert_tensor(layer.bias, torch.zeros_like(layer.bias), call=f"layer {name}'s bias")
    norm = model[2][2]
    assert_tensor(
        norm.weight, torch.full((400,), 3.0), call="init_relu_network_: the LayerNorm's weight"
    )


@pytest.mark.gpu
def test_initialisers_fill_weights_on_the_accelerator(device):
    weight = torch.empty(128, 512, device=device)
    result = kaiming_normal_(weight)
    assert result is weight and result.device.type == device.type
    assert_std(weight, math.sqrt(2 / 512), "kaiming_normal_ on the accelerator")
    weight = torch.empty(128, 512, device=device)
    xavier_uniform_(weight)
    assert_std(weight, math.sqrt(2 / 640), "xavier_uniform_ on the accelerator")


def test_init_relu_network_leaves_other_layers_with_2d_weights_alone():
    # Conv1d and Embedding weights have 2 dimensions or more too, but they are not nn.Linear.
    model = nn.Sequential(
        nn.Embedding(10, 6), nn.Conv1d(6, 6, 1), nn.Flatten(), nn.Linear(6, 3), nn.ReLU()
    )
    others = {
        name: {k: v.detach().clone() for k, v in model.get_submodule(name).named_parameters()}
        for name in ("0", "1")
    }
    init_relu_network_(model, generator=torch.Generator().manual_seed(3))
    for name, before in others.items():
        module = model.get_submodule(name)
        for key, value in before.items():
            assert_tensor(
                getattr(module, key).detach(),
                value,
                call=f"init_relu_network_(model): the {type(module).__name__}'s {key} "
                f"(only nn.Linear layers are re-initialised; test with isinstance(m, nn.Linear))",
            )
    assert_tensor(
        model[3].bias.detach(), torch.zeros(3), call="init_relu_network_: the Linear's bias"
    )
