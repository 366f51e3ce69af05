from collections import OrderedDict, namedtuple

import pytest
import torch
from device_agnostic_code import model_device, move_to, pick_device, pin_batch, predict
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from kata_helpers import assert_equal, assert_tensor, call, describe

META = torch.device("meta")
Pair = namedtuple("Pair", ["image", "label"])


def fake_accelerator(monkeypatch, kind: str | None, built: str = "cuda"):
    """Make torch.accelerator report `kind` as available (None: none available, although this
    PyTorch build, like a CUDA wheel on a laptop, still names `built`)."""
    available = kind is not None
    name = kind or built

    def current_accelerator(check_available: bool = False):
        return None if check_available and not available else torch.device(name)

    monkeypatch.setattr(torch.accelerator, "is_available", lambda: available)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", current_accelerator)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: int(available))
    monkeypatch.setattr(torch.accelerator, "current_device_index", lambda: 0)


def nested_batch():
    return {
        "image": torch.randn(2, 3, 4, 4),
        "tokens": [torch.arange(5), torch.arange(3)],
        "pair": Pair(torch.ones(2), "cat"),
        "meta": ("sample-7", 7, None, 0.5),
        "mask": (torch.tensor([True, False]),),
    }


def walk(value, path="batch"):
    """Every leaf of a nested batch with the path that reaches it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def assert_same_structure(result, expected, where="move_to(batch)"):
    if type(result) is not type(expected):
        raise AssertionError(
            f"{where} returned a {type(result).__name__}, expected a {type(expected).__name__} "
            f"(containers keep their type: a tuple stays a tuple, a named tuple stays one)"
        )
    if isinstance(expected, dict):
        assert_equal(list(result), list(expected), call=f"{where}.keys()")
        for key in expected:
            assert_same_structure(result[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert_equal(len(result), len(expected), call=f"len({where})")
        for index, (r, e) in enumerate(zip(result, expected, strict=True)):
            assert_same_structure(r, e, f"{where}[{index}]")


# Task 1: pick the device


def test_pick_device_is_the_cpu_when_no_accelerator_is_available(monkeypatch):
    fake_accelerator(monkeypatch, None, built="cuda")
    result = pick_device()
    assert_equal(result, torch.device("cpu"), call="pick_device() with no accelerator available")


@pytest.mark.parametrize("kind", ["cuda", "mps", "xpu"])
def test_pick_device_is_the_accelerator_torch_reports(monkeypatch, kind):
    fake_accelerator(monkeypatch, kind)
    result = pick_device()
    if not isinstance(result, torch.device):
        raise AssertionError(
            f"pick_device() returned {describe(result)}, expected a torch.device, not a string"
        )
    assert_equal(result.type, kind, call=f"pick_device().type with {kind} available")


def test_pick_device_on_this_machine_is_a_device_tensors_can_be_made_on():
    result = pick_device()
    expected = "cpu" if not torch.accelerator.is_available() else None
    if expected:
        assert_equal(result, torch.device(expected), call="pick_device() on this machine")
    tensor = torch.ones(2, device=result)
    assert_equal(tensor.device.type, result.type, call="torch.ones(2, device=pick_device()).device")


# Task 2: move nested batches


def test_move_to_moves_every_tensor_and_keeps_the_structure():
    batch = nested_batch()
    result = move_to(batch, META)
    assert_same_structure(result, batch)
    for (path, moved), (_, original) in zip(walk(result), walk(batch), strict=True):
        if isinstance(original, torch.Tensor):
            assert_equal(moved.device, META, call=f"move_to(batch, 'meta'): {path}.device")
            assert_equal(moved.shape, original.shape, call=f"{path}.shape")
            assert_equal(moved.dtype, original.dtype, call=f"{path}.dtype")


def test_move_to_returns_non_tensors_untouched():
    batch = nested_batch()
    result = move_to(batch, META)
    for (path, moved), (_, original) in zip(walk(result), walk(batch), strict=True):
        if not isinstance(original, torch.Tensor) and moved is not original:
            raise AssertionError(
                f"move_to(batch, 'meta'): {path} was {original!r} and came back as {moved!r}; "
                f"values that are not tensors are returned as they are"
            )


@pytest.mark.parametrize(
    "batch",
    [
        pytest.param(torch.randn(3), id="a-bare-tensor"),
        pytest.param([torch.randn(2), [torch.randn(1), (torch.randn(4),)]], id="lists-in-lists"),
        pytest.param(OrderedDict(b=torch.randn(1), a=torch.randn(2)), id="ordered-dict"),
        pytest.param(Pair(torch.randn(2), torch.tensor(1)), id="named-tuple"),
        pytest.param({"empty": [], "none": None, "text": "x"}, id="no-tensors-at-all"),
    ],
)
def test_move_to_handles_every_kind_of_nesting(batch):
    result = move_to(batch, META)
    if isinstance(batch, torch.Tensor):
        assert_equal(result.device, META, call=call("move_to", batch, "meta") + ".device")
        return
    assert_same_structure(result, batch)
    for path, moved in walk(result):
        if isinstance(moved, torch.Tensor):
            assert_equal(moved.device, META, call=f"move_to(batch, 'meta'): {path}.device")


def test_move_to_leaves_the_callers_batch_on_its_device():
    batch = nested_batch()
    tokens = batch["tokens"]
    move_to(batch, META)
    if batch["tokens"] is not tokens:
        raise AssertionError("move_to(batch, 'meta') replaced batch['tokens'] in the caller's dict")
    for path, value in walk(batch):
        if isinstance(value, torch.Tensor) and value.device.type != "cpu":
            raise AssertionError(
                f"move_to(batch, 'meta') changed the caller's batch: {path} is now on "
                f"{value.device}; build new containers instead of assigning into the old ones"
            )


class CopyRecorder(TorchDispatchMode):
    """Records the `non_blocking` flag of every device copy dispatched."""

    def __init__(self):
        super().__init__()
        self.flags = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.ops.aten._to_copy.default, torch.ops.aten.copy_.default):
            self.flags.append(bool(kwargs.get("non_blocking", args[2] if len(args) > 2 else False)))
        return func(*args, **kwargs)


@pytest.mark.parametrize("non_blocking", [True, False], ids=["non-blocking", "blocking"])
def test_move_to_passes_non_blocking_on_to_every_copy(non_blocking):
    batch = nested_batch()
    with CopyRecorder() as recorder:
        move_to(batch, META, non_blocking=non_blocking)
    tensors = sum(isinstance(value, torch.Tensor) for _, value in walk(batch))
    assert_equal(len(recorder.flags), tensors, call="number of tensor copies in move_to(batch)")
    assert_equal(
        recorder.flags,
        [non_blocking] * tensors,
        call=f"non_blocking of each copy in move_to(batch, 'meta', non_blocking={non_blocking})",
    )


# Task 3: where does a model live?


def test_model_device_follows_the_model_when_it_moves():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    assert_equal(model_device(model), torch.device("cpu"), call="model_device(model)")
    model.to(META)
    assert_equal(model_device(model), META, call="model_device(model.to('meta'))")


def test_model_device_counts_buffers_and_defaults_to_the_cpu():
    only_buffers = nn.BatchNorm1d(3, affine=False).to(META)
    assert_equal(model_device(only_buffers), META, call="model_device(BatchNorm1d(affine=False))")
    assert_equal(model_device(nn.ReLU()), torch.device("cpu"), call="model_device(nn.ReLU())")


def test_model_device_refuses_a_model_spread_over_two_devices():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert_equal(model_device(model), torch.device("cpu"), call="model_device(model)")
    model[1].to(META)
    with pytest.raises(ValueError):
        model_device(model)
        raise AssertionError("model_device(half-moved model) returned instead of ValueError")
    buffer_elsewhere = nn.BatchNorm1d(3)
    buffer_elsewhere.running_mean = buffer_elsewhere.running_mean.to(META)
    with pytest.raises(ValueError):
        model_device(buffer_elsewhere)
        raise AssertionError("model_device(model with a buffer elsewhere) returned a device")


# Task 4: predict wherever the model is


class TakesADict(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, batch):
        return self.linear(batch["x"]) * batch["scale"]


def test_predict_equals_the_models_output_without_building_a_graph():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = torch.randn(5, 3)
    grad_modes = []
    model.register_forward_pre_hook(lambda module, args: grad_modes.append(torch.is_grad_enabled()))
    result = predict(model, x)
    with torch.no_grad():
        expected = model(x)
    assert_tensor(result, expected, call=call("predict", "model", x))
    assert_equal(result.requires_grad, False, call="predict(model, x).requires_grad")
    assert_equal(grad_modes[0], False, call="torch.is_grad_enabled() inside predict's forward")


def test_predict_brings_the_batch_to_the_model_and_leaves_the_model_there():
    model = TakesADict().to(META)
    batch = {"x": torch.randn(4, 3), "scale": 2.0}
    result = predict(model, batch)
    assert_equal(result.device, META, call="predict(model on meta, CPU batch).device")
    assert_equal(tuple(result.shape), (4, 2), call="predict(model on meta, CPU batch).shape")
    assert_equal(model_device(model), META, call="the model's device after predict")
    assert_equal(batch["x"].device, torch.device("cpu"), call="the caller's batch['x'].device")


# Task 5: pinned memory


def test_pin_batch_without_an_accelerator_returns_the_batch_unpinned(monkeypatch):
    fake_accelerator(monkeypatch, None)
    batch = nested_batch()
    result = pin_batch(batch)
    assert_same_structure(result, batch, "pin_batch(batch)")
    for (path, value), (_, original) in zip(walk(result), walk(batch), strict=True):
        if isinstance(original, torch.Tensor):
            assert_equal(value.is_pinned(), False, call=f"pin_batch(batch): {path}.is_pinned()")
            assert_tensor(value, original, call=f"pin_batch(batch): {path}")


@pytest.mark.gpu
def test_pin_batch_pins_every_tensor_on_an_accelerator():
    batch = nested_batch()
    result = pin_batch(batch)
    assert_same_structure(result, batch, "pin_batch(batch)")
    for (path, value), (_, original) in zip(walk(result), walk(batch), strict=True):
        if isinstance(original, torch.Tensor):
            assert_equal(value.is_pinned(), True, call=f"pin_batch(batch): {path}.is_pinned()")
            assert_tensor(value, original, call=f"pin_batch(batch): {path}")
        elif value is not original:
            raise AssertionError(f"pin_batch(batch) changed {path}: {original!r} -> {value!r}")


@pytest.mark.gpu
def test_a_pinned_batch_moves_without_blocking_and_arrives_intact(device):
    batch = nested_batch()
    moved = move_to(pin_batch(batch), device, non_blocking=True)
    torch.accelerator.synchronize()  # wait for the copies before reading them
    for (path, value), (_, original) in zip(walk(moved), walk(batch), strict=True):
        if isinstance(original, torch.Tensor):
            assert_equal(value.device.type, device.type, call=f"{path}.device.type")
            assert_tensor(value.cpu(), original, call=f"move_to(pin_batch(batch)): {path}")


@pytest.mark.gpu
def test_predict_runs_on_the_accelerator(device):
    model = nn.Linear(3, 2).to(device)
    x = torch.randn(4, 3)
    result = predict(model, x)
    with torch.no_grad():
        expected = model(x.to(device))
    assert_tensor(result, expected, call=call("predict", "model on " + device.type, x))
