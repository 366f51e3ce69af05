import itertools

import pytest
import torch
import torch.nn.functional as F
from module_basics import TinyMLP, count_parameters, freeze, save_and_reload
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call, case_id, describe

SIZES = [[4, 8, 3], [5, 2], [3, 6, 6, 1]]


def random(*shape, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator)


def expected_names(sizes):
    names = [f"layers.{k}.{part}" for k in range(len(sizes) - 1) for part in ("weight", "bias")]
    return [*names, "scale"]


@pytest.mark.parametrize("sizes", SIZES, ids=[case_id(s) for s in SIZES])
def test_tiny_mlp_registers_every_parameter(sizes):
    model = TinyMLP(sizes)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    expected = {f"layers.{k}.weight": (b, a) for k, (a, b) in enumerate(itertools.pairwise(sizes))}
    expected |= {f"layers.{k}.bias": (b,) for k, b in enumerate(sizes[1:])}
    expected["scale"] = (sizes[-1],)
    assert_equal(
        shapes, expected, call=f"{{name: shape for name, p in TinyMLP({sizes}).named_parameters()}}"
    )
    assert all(isinstance(m, nn.Linear) for m in model.layers), (
        "TinyMLP.layers must hold nn.Linear layers"
    )


def test_tiny_mlp_scale_starts_at_one_and_is_trained():
    model = TinyMLP([4, 8, 3])
    assert_tensor(model.scale.detach(), torch.ones(3), call="TinyMLP([4, 8, 3]).scale")
    model(random(2, 4)).sum().backward()
    assert model.scale.grad is not None, "TinyMLP.scale got no gradient: is it an nn.Parameter?"


def test_num_batches_is_a_buffer_not_a_parameter():
    model = TinyMLP([4, 8, 3])
    buffers = dict(model.named_buffers())
    assert "num_batches" in buffers, (
        f"TinyMLP has no buffer named num_batches; its buffers: {sorted(buffers)}"
    )
    assert_tensor(buffers["num_batches"], torch.tensor(0), call="TinyMLP([4, 8, 3]).num_batches")
    names = [name for name, _ in model.named_parameters()]
    assert "num_batches" not in names, (
        "num_batches is a parameter: register it with register_buffer"
    )
    assert_equal(
        sorted(model.state_dict()),
        sorted([*expected_names([4, 8, 3]), "num_batches"]),
        call="sorted(TinyMLP([4, 8, 3]).state_dict())",
    )


@pytest.mark.parametrize("sizes", SIZES, ids=[case_id(s) for s in SIZES])
@pytest.mark.parametrize("batch_size", [1, 5])
def test_forward_is_relu_between_layers_then_scale(sizes, batch_size):
    torch.manual_seed(1)
    model = TinyMLP(sizes)
    with torch.no_grad():
        model.scale.copy_(torch.linspace(0.5, 2.0, sizes[-1]))
    x = random(batch_size, sizes[0], seed=2)
    expected = x
    for k, layer in enumerate(model.layers):
        expected = F.linear(expected, layer.weight, layer.bias)
        if k < len(sizes) - 2:
            expected = expected.relu()
    expected = expected * model.scale
    assert_tensor(model(x), expected, call=call(f"TinyMLP({sizes})", x), rtol=1e-5)


def test_num_batches_counts_training_calls_only():
    model = TinyMLP([4, 8, 3])
    x = random(3, 4)
    model(x)
    model(x)
    model.eval()
    with torch.no_grad():
        model(x)
    assert_tensor(
        model.num_batches,
        torch.tensor(2),
        call="num_batches after 2 calls in train mode and 1 in eval mode",
    )


def test_to_float64_converts_every_parameter():
    model = TinyMLP([4, 8, 3]).to(torch.float64)
    dtypes = {name: p.dtype for name, p in model.named_parameters()}
    assert_equal(
        dtypes,
        dict.fromkeys(expected_names([4, 8, 3]), torch.float64),
        call="parameter dtypes after TinyMLP([4, 8, 3]).to(torch.float64)",
    )
    assert_equal(
        model(random(2, 4).double()).dtype,
        torch.float64,
        call="the output dtype of the float64 model",
    )


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([4, 8, 3], 4 * 8 + 8 + 8 * 3 + 3 + 3),
        ([5, 2], 5 * 2 + 2 + 2),
        ([3, 6, 6, 1], 24 + 42 + 7 + 1),
    ],
    ids=["[4,8,3]-4*8+8+8*3+3+3", "[5,2]-5*2+2+2", "[3,6,6,1]-24+42+7+1"],
)
def test_count_parameters_counts_every_value_but_no_buffers(sizes, expected):
    assert_equal(
        count_parameters(TinyMLP(sizes)), expected, call=f"count_parameters(TinyMLP({sizes}))"
    )


def test_count_parameters_of_torch_layers():
    assert_equal(count_parameters(nn.Linear(3, 2)), 8, call="count_parameters(nn.Linear(3, 2))")
    assert_equal(count_parameters(nn.BatchNorm1d(4)), 8, call="count_parameters(nn.BatchNorm1d(4))")
    assert_equal(count_parameters(nn.ReLU()), 0, call="count_parameters(nn.ReLU())")


def test_freeze_stops_training_the_named_parameters():
    model = TinyMLP([4, 8, 3])
    frozen = freeze(model, "layers.0")
    assert_equal(
        frozen, ["layers.0.weight", "layers.0.bias"], call='freeze(TinyMLP([4, 8, 3]), "layers.0")'
    )
    trainable = sorted(name for name, p in model.named_parameters() if p.requires_grad)
    assert_equal(
        trainable,
        ["layers.1.bias", "layers.1.weight", "scale"],
        call="sorted names still requiring grad after freezing layers.0",
    )
    assert_equal(
        count_parameters(model, trainable_only=True),
        8 * 3 + 3 + 3,
        call="count_parameters(model, trainable_only=True)",
    )
    assert_equal(count_parameters(model), 4 * 8 + 8 + 8 * 3 + 3 + 3, call="count_parameters(model)")


def test_freeze_with_an_unknown_prefix_freezes_nothing():
    model = TinyMLP([5, 2])
    assert_equal(freeze(model, "encoder"), [], call='freeze(TinyMLP([5, 2]), "encoder")')
    assert all(p.requires_grad for p in model.parameters()), (
        "freeze with an unknown prefix froze something"
    )


def test_freeze_matches_the_prefix_only_at_the_start_of_the_name():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 2)))
    # names: 0.weight, 0.bias, 1.0.weight, 1.0.bias, 1.1.weight, 1.1.bias
    assert_equal(
        freeze(model, "0"),
        ["0.weight", "0.bias"],
        call='freeze(nn.Sequential(Linear, nn.Sequential(Linear, Linear)), "0")',
    )
    trainable = [name for name, p in model.named_parameters() if p.requires_grad]
    assert_equal(
        trainable,
        ["1.0.weight", "1.0.bias", "1.1.weight", "1.1.bias"],
        call='names still requiring grad after freeze(model, "0")',
    )


@pytest.mark.parametrize("sizes", SIZES, ids=[case_id(s) for s in SIZES])
def test_save_and_reload_gives_the_same_model(sizes, tmp_path):
    torch.manual_seed(3)
    model = TinyMLP(sizes)
    with torch.no_grad():
        model.scale.mul_(3.0)
    x = random(4, sizes[0], seed=4)
    model(x)  # training mode: num_batches becomes 1
    model.eval()
    expected = model(x)
    torch.manual_seed(99)  # a fresh model would start from different weights
    reloaded = save_and_reload(model, sizes, tmp_path / "model.pt")
    assert isinstance(reloaded, TinyMLP), (
        f"save_and_reload returned {type(reloaded).__name__}, expected a TinyMLP"
    )
    assert reloaded is not model, "save_and_reload returned the model it was given, not a fresh one"
    assert (tmp_path / "model.pt").is_file(), "save_and_reload wrote nothing to the path"
    try:
        saved = torch.load(tmp_path / "model.pt", weights_only=True)
    except Exception as error:
        raise AssertionError(
            "torch.load(path, weights_only=True) cannot read what save_and_reload saved: save "
            f"model.state_dict(), not the whole module ({type(error).__name__})"
        ) from None
    assert isinstance(saved, dict) and sorted(saved) == sorted(model.state_dict()), (
        f"save_and_reload saved {describe(saved)} ({type(saved).__name__}), expected "
        f"model.state_dict(), a dict with keys {sorted(model.state_dict())}"
    )
    reloaded.eval()
    assert_tensor(reloaded(x), expected, call=f"the reloaded TinyMLP({sizes})(x)")
    assert_tensor(reloaded.num_batches, torch.tensor(1), call="num_batches of the reloaded model")
    for name, value in model.state_dict().items():
        assert_tensor(reloaded.state_dict()[name], value, call=f"reloaded.state_dict()[{name!r}]")


@pytest.mark.gpu
def test_to_device_moves_parameters_and_buffers(device):
    model = TinyMLP([4, 8, 3]).to(device)
    for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
        assert tensor.device.type == device.type, (
            f"model.{name} is on {tensor.device} after model.to({device})"
        )
    out = model(random(2, 4).to(device))
    assert_equal(
        out.device.type, device.type, call="the output device of TinyMLP on the accelerator"
    )
