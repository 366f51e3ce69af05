import pytest
import torch
from checkpoint_and_resume import load_checkpoint, save_checkpoint, train, train_one_epoch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from kata_helpers import assert_equal, assert_tensor


def make_dataset():
    generator = torch.Generator().manual_seed(7)
    inputs = torch.randn(48, 4, generator=generator)
    targets = inputs @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1
    return TensorDataset(inputs, targets)


def build(model_seed=0, shuffle_seed=1):
    """A fresh run: a model with dropout, Adam, a step schedule, a shuffling loader."""
    torch.manual_seed(model_seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    generator = torch.Generator().manual_seed(shuffle_seed)
    loader = DataLoader(make_dataset(), batch_size=8, shuffle=True, generator=generator)
    return model, optimizer, scheduler, loader, generator


def assert_same_parameters(actual, expected, what):
    for (name, a), b in zip(actual.named_parameters(), expected.parameters(), strict=True):
        if not torch.equal(a, b):
            largest = (a - b).abs().max().item()
            raise AssertionError(
                f"{what}: parameter {name} differs from uninterrupted training (largest "
                f"difference {largest:.3g}); the resumed run must continue exactly: restore the "
                f"model, optimizer, scheduler, torch RNG and loader generator states"
            )


# Tasks 1 and 2 -----------------------------------------------------------------------------


def trained_for_two_epochs():
    model, optimizer, scheduler, loader, generator = build()
    for _ in range(2):
        train_one_epoch(model, loader, optimizer)
        scheduler.step()
    return model, optimizer, scheduler, loader, generator


def test_a_checkpoint_loads_with_weights_only(tmp_path):
    model, optimizer, scheduler, _, generator = trained_for_two_epochs()
    save_checkpoint(tmp_path / "ckpt.pt", model, optimizer, scheduler, generator, epoch=2)
    try:
        torch.load(tmp_path / "ckpt.pt", weights_only=True)
    except Exception as error:
        raise AssertionError(
            f"torch.load(checkpoint, weights_only=True) failed ({type(error).__name__}: "
            f"{str(error)[:200]}): save state_dicts and RNG state tensors, not whole objects"
        ) from None


def test_load_checkpoint_returns_the_saved_epoch(tmp_path):
    model, optimizer, scheduler, _, generator = trained_for_two_epochs()
    save_checkpoint(tmp_path / "ckpt.pt", model, optimizer, scheduler, generator, epoch=4)
    fresh = build(model_seed=5, shuffle_seed=6)
    epoch = load_checkpoint(tmp_path / "ckpt.pt", fresh[0], fresh[1], fresh[2], fresh[4])
    assert_equal(epoch, 4, call="load_checkpoint(...) after save_checkpoint(..., epoch=4)")


def test_load_checkpoint_restores_model_optimizer_and_scheduler(tmp_path):
    model, optimizer, scheduler, _, generator = trained_for_two_epochs()
    save_checkpoint(tmp_path / "ckpt.pt", model, optimizer, scheduler, generator, epoch=2)
    new_model, new_optimizer, new_scheduler, _, new_generator = build(model_seed=5, shuffle_seed=6)
    load_checkpoint(tmp_path / "ckpt.pt", new_model, new_optimizer, new_scheduler, new_generator)
    for name, tensor in model.state_dict().items():
        assert_tensor(new_model.state_dict()[name], tensor, call=f"restored model[{name!r}]")
    saved_state = optimizer.state_dict()["state"]
    restored_state = new_optimizer.state_dict()["state"]
    assert restored_state.keys() == saved_state.keys(), (
        "the optimizer's state (Adam's moment estimates) was not restored: save and load "
        "optimizer.state_dict()"
    )
    for key, state in saved_state.items():
        for name in ("exp_avg", "exp_avg_sq"):
            assert_tensor(restored_state[key][name], state[name], call=f"optimizer state {name}")
    assert new_scheduler.get_last_lr() == scheduler.get_last_lr(), (
        f"the restored scheduler gives lr {new_scheduler.get_last_lr()}, the saved one "
        f"{scheduler.get_last_lr()}: save and load scheduler.state_dict()"
    )
    assert new_optimizer.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"], (
        "the restored optimizer's learning rate differs from the saved one"
    )


def test_load_checkpoint_restores_the_random_number_generators(tmp_path):
    model, optimizer, scheduler, _, generator = trained_for_two_epochs()
    save_checkpoint(tmp_path / "ckpt.pt", model, optimizer, scheduler, generator, epoch=2)
    expected_global = torch.rand(5)  # what the global RNG gives next, right after saving
    expected_shuffle = torch.randperm(10, generator=generator)
    new_model, new_optimizer, new_scheduler, _, new_generator = build(model_seed=5, shuffle_seed=6)
    torch.manual_seed(123)
    load_checkpoint(tmp_path / "ckpt.pt", new_model, new_optimizer, new_scheduler, new_generator)
    assert_tensor(
        torch.rand(5),
        expected_global,
        call="torch.rand(5) after load_checkpoint (dropout draws from this global RNG; "
        "save torch.get_rng_state())",
    )
    assert_tensor(
        torch.randperm(10, generator=new_generator),
        expected_shuffle,
        call="torch.randperm(10, generator=loader's generator) after load_checkpoint (the "
        "shuffling; save generator.get_state())",
    )


# Task 3 -----------------------------------------------------------------------------------


def test_training_creates_a_checkpoint_and_runs_every_epoch(tmp_path):
    model, optimizer, scheduler, loader, generator = build()
    losses = train(model, optimizer, scheduler, loader, generator, 3, tmp_path / "run.pt")
    assert len(losses) == 3, f"train(..., epochs=3) returned {len(losses)} losses"
    assert (tmp_path / "run.pt").exists(), "train(...) wrote no checkpoint at checkpoint_path"
    fresh = build(model_seed=5)
    epoch = load_checkpoint(tmp_path / "run.pt", fresh[0], fresh[1], fresh[2], fresh[4])
    assert epoch == 3, (
        f"the last checkpoint of a 3-epoch run says epoch {epoch}, expected 3 (epochs count from 1)"
    )
    # StepLR(step_size=2, gamma=0.5) from lr 0.02: one scheduler.step() per epoch halves it once
    # in 3 epochs
    assert scheduler.get_last_lr() == pytest.approx([0.01]), (
        f"after train(..., epochs=3) the scheduler gives lr {scheduler.get_last_lr()}, expected "
        f"[0.01] (StepLR(step_size=2, gamma=0.5) from 0.02, stepped once per epoch): call "
        f"scheduler.step() after every epoch's training"
    )


def test_stop_after_interrupts_the_run(tmp_path):
    model, optimizer, scheduler, loader, generator = build()
    losses = train(model, optimizer, scheduler, loader, generator, 6, tmp_path / "run.pt", 2)
    assert len(losses) == 2, f"train(..., epochs=6, stop_after=2) ran {len(losses)} epochs"


@pytest.mark.parametrize("interrupt_after", [1, 3])
def test_resumed_training_equals_uninterrupted_training(tmp_path, interrupt_after):
    model, optimizer, scheduler, loader, generator = build()
    straight = train(model, optimizer, scheduler, loader, generator, 5, tmp_path / "straight.pt")

    first = build()
    before = train(*first, 5, tmp_path / "resumed.pt", stop_after=interrupt_after)
    assert (tmp_path / "resumed.pt").exists(), (
        f"train(..., epochs=5, stop_after={interrupt_after}) returned without saving a "
        f"checkpoint at checkpoint_path: save one after every epoch, before stopping"
    )
    saved = load_checkpoint(tmp_path / "resumed.pt", *build(model_seed=9)[:3], build()[4])
    assert saved == interrupt_after, (
        f"train(..., epochs=5, stop_after={interrupt_after}) stopped with a checkpoint that "
        f"says epoch {saved}, expected {interrupt_after}: save each epoch's number (from 1) "
        f"after that epoch, and stop once epoch stop_after is saved"
    )
    torch.manual_seed(999)  # a new process: the global RNG is somewhere else
    second = build(model_seed=5, shuffle_seed=6)  # rebuilt from scratch, then resumed
    after = train(*second, 5, tmp_path / "resumed.pt")

    assert len(after) == 5 - interrupt_after, (
        f"after an interruption at epoch {interrupt_after} the resumed call ran {len(after)} "
        f"epochs, expected {5 - interrupt_after} (continue with the epoch after the saved one)"
    )
    assert before + after == straight, (
        f"epoch losses with an interruption after epoch {interrupt_after}: {before + after}\n"
        f"without interruption: {straight}"
    )
    assert_same_parameters(second[0], model, f"interrupted after epoch {interrupt_after}")
    assert second[2].get_last_lr() == scheduler.get_last_lr(), (
        f"the resumed run ends with lr {second[2].get_last_lr()}, the uninterrupted one with "
        f"{scheduler.get_last_lr()}"
    )


def test_a_run_interrupted_twice_equals_uninterrupted_training(tmp_path):
    model, optimizer, scheduler, loader, generator = build()
    straight = train(model, optimizer, scheduler, loader, generator, 5, tmp_path / "straight.pt")

    path = tmp_path / "resumed.pt"
    first = train(*build(), 5, path, stop_after=2)  # epochs 1 and 2
    torch.manual_seed(999)
    second = train(*build(model_seed=5, shuffle_seed=6), 5, path, stop_after=4)  # 3 and 4
    torch.manual_seed(998)
    last_run = build(model_seed=7, shuffle_seed=8)
    third = train(*last_run, 5, path)  # epoch 5

    assert [len(first), len(second), len(third)] == [2, 2, 1], (
        f"train(..., epochs=5, stop_after=2), then resumed with stop_after=4, then resumed "
        f"without it ran {len(first)}, {len(second)} and {len(third)} epochs, expected 2, 2 and 1: "
        f"stop_after counts epochs of the whole run (stop once epoch 4 is saved), not of this call"
    )
    assert first + second + third == straight, (
        f"epoch losses with interruptions after epochs 2 and 4: {first + second + third}\n"
        f"without interruption: {straight}"
    )
    assert_same_parameters(last_run[0], model, "interrupted after epochs 2 and 4")
