import pathlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
import torch
from safe_serialization import (
    export_model,
    load_exported,
    load_trusted,
    load_weights,
    save_weights,
)
from torch import nn

from kata_helpers import assert_tensor, call


def make_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)
    )


def trained_model(seed=0):
    """A model whose BatchNorm running statistics have moved away from their initial values."""
    model = make_model(seed)
    with torch.no_grad():
        for step in range(3):
            model(torch.randn(16, 4, generator=torch.Generator().manual_seed(step)) * 3 + 1)
    return model


def inputs(batch, seed=10):
    return torch.randn(batch, 4, generator=torch.Generator().manual_seed(seed))


class WritesAFile:
    """Unpickling this object calls Path.write_text: it stands for any code an attacker wants
    to run on the machine that loads the checkpoint."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (pathlib.Path.write_text, (pathlib.Path(self.target), "this ran on your machine"))


@dataclass
class TrainingConfig:
    learning_rate: float
    steps: int
    name: str


@dataclass
class UnknownThing:
    value: int


def malicious_file(tmp_path, alongside_weights):
    target = tmp_path / "written_by_the_pickle.txt"
    payload = WritesAFile(str(target))
    content = dict(make_model().state_dict(), extra=payload) if alongside_weights else payload
    path = tmp_path / "malicious.pt"
    torch.save(content, path)
    return path, target


def expect_refusal(action, target, what):
    try:
        action()
    except pickle.UnpicklingError:
        error = None
    except Exception as other:  # a refusal must come from the unpickler, before anything runs
        error = other
    else:
        error = "nothing"
    assert not target.exists(), (
        f"{what} ran the code hidden in the pickle: it wrote {target.name}. A file from "
        f"someone else must be read with torch.load(..., weights_only=True)."
    )
    assert error is None, (
        f"{what} raised {error if error == 'nothing' else repr(error)}; expected "
        f"pickle.UnpicklingError, which torch.load(..., weights_only=True) raises for a pickle "
        f"that would call a function."
    )


# Task 1: save_weights


def test_saved_weights_load_with_weights_only_as_a_dict_of_tensors(tmp_path):
    model, path = trained_model(), tmp_path / "weights.pt"
    save_weights(model, path)
    try:
        loaded = torch.load(path, weights_only=True)
    except pickle.UnpicklingError as error:
        raise AssertionError(
            "save_weights(model, path) wrote a file that torch.load(path, weights_only=True) "
            "refuses: it pickled an object (the module?) instead of its state_dict.\n"
            f"  {str(error).splitlines()[0]}"
        ) from None
    assert isinstance(loaded, Mapping), (
        f"the file holds a {type(loaded).__name__}, expected a dict from names to tensors"
    )
    expected = model.state_dict()
    assert sorted(loaded) == sorted(expected), (
        f"the file's keys differ from model.state_dict()'s (buffers count too):\n"
        f"  missing:    {sorted(set(expected) - set(loaded))}\n"
        f"  unexpected: {sorted(set(loaded) - set(expected))}"
    )
    for name, tensor in expected.items():
        assert_tensor(loaded[name], tensor, call=f"the saved {name!r}")


def test_save_weights_works_for_a_model_class_defined_anywhere(tmp_path):
    class LocalModel(nn.Module):  # a class pickle cannot find by name, as in a notebook
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor([2.0, -1.0]))
            self.register_buffer("offset", torch.tensor([0.5, 0.25]))

        def forward(self, x):
            return x * self.scale + self.offset

    model, path = LocalModel(), tmp_path / "weights.pt"
    save_weights(model, path)
    loaded = torch.load(path, weights_only=True)
    assert sorted(loaded) == ["offset", "scale"], (
        f"the file holds {sorted(loaded)!r}, expected the state_dict's keys ['offset', 'scale']"
    )
    kinds = {type(value).__name__ for value in loaded.values()}
    assert kinds <= {"Tensor", "Parameter"}, f"the file holds {sorted(kinds)}, expected tensors"


# Task 2: load_weights


def test_load_weights_makes_a_fresh_model_compute_the_same_outputs(tmp_path):
    model, path = trained_model(seed=0), tmp_path / "weights.pt"
    save_weights(model, path)
    fresh = make_model(seed=1)
    returned = load_weights(fresh, path)
    assert returned is fresh, "load_weights(model, path) must return the model it loaded into"
    x = inputs(5)
    expected = model.eval()(x)
    assert_tensor(
        fresh.eval()(x),
        expected,
        call="load_weights(fresh_model, path) then fresh_model.eval()(x)",
    )


@pytest.mark.parametrize(
    "change",
    [pytest.param("missing", id="missing-key"), pytest.param("unexpected", id="unexpected-key")],
)
def test_load_weights_refuses_a_file_whose_keys_do_not_match(tmp_path, change):
    path = tmp_path / "weights.pt"
    save_weights(trained_model(), path)
    load_weights(make_model(seed=1), path)  # the right file loads
    state = torch.load(path, weights_only=True)
    if change == "missing":
        del state["1.running_mean"]
    else:
        state["2.weight"] = torch.ones(3)
    torch.save(state, path)
    with pytest.raises(RuntimeError, match="state_dict"):
        load_weights(make_model(seed=1), path)


@pytest.mark.parametrize(
    "alongside_weights",
    [pytest.param(False, id="payload-alone"), pytest.param(True, id="payload-among-weights")],
)
def test_load_weights_refuses_a_pickle_that_would_run_code(tmp_path, alongside_weights):
    good = tmp_path / "weights.pt"
    save_weights(trained_model(), good)
    load_weights(make_model(seed=1), good)  # the right file loads
    path, target = malicious_file(tmp_path, alongside_weights)
    expect_refusal(lambda: load_weights(make_model(seed=1), path), target, "load_weights")


# Task 3: load_trusted


def trusted_checkpoint(tmp_path):
    checkpoint = {
        "config": TrainingConfig(learning_rate=3e-4, steps=500, name="tiny"),
        "model": make_model().state_dict(),
        "step": 42,
    }
    path = tmp_path / "checkpoint.pt"
    torch.save(checkpoint, path)
    return checkpoint, path


def test_load_trusted_loads_a_checkpoint_holding_an_allowed_class(tmp_path):
    checkpoint, path = trusted_checkpoint(tmp_path)
    loaded = load_trusted(path, [TrainingConfig])
    assert isinstance(loaded, Mapping) and sorted(loaded) == sorted(checkpoint), (
        f"load_trusted(path, [TrainingConfig]) returned {loaded!r:.200}; expected the saved dict"
    )
    assert loaded["config"] == checkpoint["config"], (
        f"the config came back as {loaded['config']!r}, expected {checkpoint['config']!r}"
    )
    assert loaded["step"] == 42
    for name, tensor in checkpoint["model"].items():
        assert_tensor(loaded["model"][name], tensor, call=f"load_trusted(...)['model'][{name!r}]")


def test_load_trusted_leaves_the_global_allowlist_unchanged(tmp_path):
    _, path = trusted_checkpoint(tmp_path)
    before = list(torch.serialization.get_safe_globals())
    load_trusted(path, [TrainingConfig])
    after = list(torch.serialization.get_safe_globals())
    added = [g for g in after if g not in before]
    assert not added, (
        f"after load_trusted, torch's global allowlist also holds {added}: every later "
        f"torch.load in the program now trusts it. Allow the classes for this one load only."
    )
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


class AllowedEarlier:
    """A class the program had added to torch's global allowlist before calling load_trusted."""


def test_load_trusted_keeps_what_the_global_allowlist_held_before(tmp_path):
    _, path = trusted_checkpoint(tmp_path)
    original = list(torch.serialization.get_safe_globals())
    try:
        torch.serialization.add_safe_globals([AllowedEarlier])
        before = list(torch.serialization.get_safe_globals())
        load_trusted(path, [TrainingConfig])
        after = list(torch.serialization.get_safe_globals())
        removed = [g for g in before if g not in after]
        assert not removed, (
            f"after load_trusted, torch's global allowlist lost {removed}: the program had "
            f"allowed them before the call. Undo only this call's change (clearing the whole "
            f"allowlist also drops what torch and the program had put there)."
        )
    finally:  # whatever load_trusted did, later tests see the allowlist of before this test
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(original)


def test_load_trusted_refuses_a_class_that_is_not_allowed(tmp_path):
    _, good = trusted_checkpoint(tmp_path)
    load_trusted(good, [TrainingConfig])  # the allowed class loads
    path = tmp_path / "other.pt"
    torch.save({"config": TrainingConfig(0.1, 1, "a"), "other": UnknownThing(3)}, path)
    with pytest.raises(pickle.UnpicklingError):
        load_trusted(path, [TrainingConfig])


@pytest.mark.parametrize(
    "alongside_weights",
    [pytest.param(False, id="payload-alone"), pytest.param(True, id="payload-among-weights")],
)
def test_load_trusted_refuses_a_pickle_that_would_run_code(tmp_path, alongside_weights):
    _, good = trusted_checkpoint(tmp_path)
    load_trusted(good, [TrainingConfig])  # the allowed class loads
    path, target = malicious_file(tmp_path, alongside_weights)
    expect_refusal(lambda: load_trusted(path, [TrainingConfig]), target, "load_trusted")


# Tasks 4 and 5: export_model and load_exported


@pytest.mark.parametrize(
    "batch",
    [pytest.param(1, id="batch-1"), pytest.param(7, id="batch-7"), pytest.param(32, id="batch-32")],
)
def test_an_exported_model_round_trips_for_any_batch_size(tmp_path, batch):
    model, path = trained_model(), tmp_path / "model.pt2"
    model.eval()
    export_model(model, inputs(4), path)
    loaded = load_exported(path)
    x = inputs(batch, seed=11)
    with torch.no_grad():
        expected = model(x)
    try:
        result = loaded(x)
    except Exception as error:
        raise AssertionError(
            f"the loaded program, exported with an example batch of 4, fails on a batch of "
            f"{batch}: is dimension 0 dynamic (torch.export.Dim)?\n  "
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        ) from None
    assert_tensor(result, expected, call=f"load_exported(path)(x) for x of shape {tuple(x.shape)}")


def test_export_captures_eval_mode_and_restores_the_model_mode(tmp_path):
    model, path = trained_model(), tmp_path / "model.pt2"
    model.train()
    export_model(model, inputs(4), path)
    assert model.training, (
        "export_model left a model that was in training mode in eval mode: restore its mode"
    )
    loaded = load_exported(path)
    x = inputs(6, seed=12)
    first, second = loaded(x), loaded(x)
    with torch.no_grad():
        expected = model.eval()(x)
    assert_tensor(
        first,
        expected,
        call="load_exported(path)(x) after exporting a model in training mode "
        "(expected its eval-mode outputs: no dropout, BatchNorm's running statistics)",
    )
    assert_tensor(second, first, call="a second load_exported(path)(x): dropout must be off")
    model.eval()
    export_model(model, inputs(4), path)
    assert not model.training, "export_model put a model that was in eval mode in training mode"


def test_the_exported_file_is_a_program_not_a_pickle(tmp_path):
    model, path = trained_model(), tmp_path / "model.pt2"
    export_model(model.eval(), inputs(4), path)
    program = torch.export.load(path)
    assert isinstance(program, torch.export.ExportedProgram), (
        f"torch.export.load(path) returned {type(program).__name__}, expected an ExportedProgram "
        f"saved with torch.export.save"
    )
    batch = program.graph_signature.user_inputs[0]
    placeholder = next(n for n in program.graph.nodes if n.name == batch)
    size = placeholder.meta["val"].shape[0]
    assert not isinstance(size, int), (
        "the exported program's batch dimension is the fixed number "
        f"{size}; make dimension 0 dynamic with torch.export.Dim"
    )
