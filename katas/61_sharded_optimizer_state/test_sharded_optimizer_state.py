"""Tasks 3 to 5 run in two spawned processes on gloo (kata_distributed.run_ranks): the workers
below run on every rank and return what the test checks. Tasks 1 and 2 run here."""

import pytest
import torch
from sharded_optimizer_state import ShardedAdam, adam_update_, all_gather_flat, shard_bounds
from torch import nn

from kata_distributed import run_ranks
from kata_helpers import assert_equal, assert_tensor

WORLD_SIZE = 2


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()  # 41 numbers


def regression_batch(step, n=8):
    generator = torch.Generator().manual_seed(step)
    inputs = torch.randn(n, 3, generator=generator, dtype=torch.float64)
    return inputs, inputs.sum(dim=1, keepdim=True).sin()


# --- workers: each runs on every rank, inside the process group ---------------------------------


def _gather_worker(rank, world_size, numel):
    full = torch.arange(numel, dtype=torch.float64) * 10
    start, end = shard_bounds(numel, rank, world_size)
    return all_gather_flat(full[start:end].clone(), numel)


def _train_worker(rank, world_size, steps, lr):
    model = mlp()
    optimizer = ShardedAdam(model.parameters(), lr=lr)
    record = {"state_numel": [optimizer.exp_avg.numel(), optimizer.exp_avg_sq.numel()]}
    record["params"] = []
    for step in range(steps):
        inputs, targets = regression_batch(step)
        shard = slice(rank * 4, rank * 4 + 4)  # this rank's half of the 8 samples
        optimizer.zero_grad()
        nn.functional.mse_loss(model(inputs[shard]), targets[shard]).backward()
        optimizer.step()
        record["params"].append([p.detach().clone() for p in model.parameters()])
    record["exp_avg"] = optimizer.exp_avg.clone()
    record["exp_avg_sq"] = optimizer.exp_avg_sq.clone()
    return record


# --- Task 1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numel", "world_size", "expected"),
    [
        pytest.param(41, 2, [(0, 21), (21, 41)], id="41-over-2"),
        pytest.param(12, 3, [(0, 4), (4, 8), (8, 12)], id="12-over-3"),
        pytest.param(10, 4, [(0, 3), (3, 6), (6, 9), (9, 10)], id="10-over-4"),
        pytest.param(5, 4, [(0, 2), (2, 4), (4, 5), (5, 5)], id="last-rank-empty"),
    ],
)
def test_shard_bounds_give_each_rank_one_contiguous_slice(numel, world_size, expected):
    for rank in range(world_size):
        got = shard_bounds(numel, rank, world_size)
        assert_equal(
            tuple(got), expected[rank], call=f"shard_bounds({numel}, {rank}, {world_size})"
        )


# --- Task 2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "betas",
    [pytest.param((0.9, 0.999), id="default-betas"), pytest.param((0.5, 0.9), id="0.5-0.9")],
)
def test_adam_update_equals_torch_adam_step_by_step(betas):
    generator = torch.Generator().manual_seed(1)
    reference = torch.randn(6, generator=generator, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([reference], lr=0.1, betas=betas, eps=1e-8)
    param = reference.detach().clone()
    exp_avg, exp_avg_sq = torch.zeros_like(param), torch.zeros_like(param)
    for step in range(1, 4):
        grad = torch.randn(6, generator=generator, dtype=torch.float64)
        reference.grad = grad.clone()
        optimizer.step()
        adam_update_(param, grad, exp_avg, exp_avg_sq, step, lr=0.1, betas=betas, eps=1e-8)
        state = optimizer.state[reference]
        where = (
            f"adam_update_(param, grad, exp_avg, exp_avg_sq, step={step}, lr=0.1, betas={betas})"
        )
        assert_tensor(exp_avg, state["exp_avg"], call=f"exp_avg after {where}")
        assert_tensor(exp_avg_sq, state["exp_avg_sq"], call=f"exp_avg_sq after {where}")
        assert_tensor(param, reference.detach(), call=f"param after {where}")


# --- Tasks 3 to 5: two ranks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "numel", [pytest.param(41, id="41-unequal-slices"), pytest.param(12, id="12-equal-slices")]
)
def test_all_gather_flat_gives_every_rank_the_whole_vector(numel):
    results = run_ranks(_gather_worker, numel, world_size=WORLD_SIZE)
    expected = torch.arange(numel, dtype=torch.float64) * 10
    for rank, result in enumerate(results):
        assert_tensor(
            result, expected, call=f"all_gather_flat(rank {rank}'s slice, {numel}) on rank {rank}"
        )


_trained = {}


def training():
    """Both ranks train the same 41-parameter MLP for 3 steps with ShardedAdam, each on half of
    every batch; the reference is torch.optim.Adam on the whole batch, in one process: its
    parameters after each step, and its moments after the last, flattened in parameters()
    order. Run once for the tests that read it (a failure is not kept: the next test runs it
    again)."""
    if _trained:
        return _trained["results"], _trained["expected"], _trained["moments"]
    steps, lr = 3, 0.05
    results = run_ranks(_train_worker, steps, lr, world_size=WORLD_SIZE)
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    expected = []
    for step in range(steps):
        inputs, targets = regression_batch(step)
        optimizer.zero_grad()
        nn.functional.mse_loss(model(inputs), targets).backward()
        optimizer.step()
        expected.append([p.detach().clone() for p in model.parameters()])
    moments = {
        name: torch.cat([optimizer.state[p][name].reshape(-1) for p in model.parameters()])
        for name in ("exp_avg", "exp_avg_sq")
    }  # (41,) each
    _trained.update(results=results, expected=expected, moments=moments)
    return results, expected, moments


def test_each_rank_keeps_adam_state_for_its_slice_only():
    results, _, _ = training()
    sizes = []
    for rank, result in enumerate(results):
        start, end = shard_bounds(41, rank, WORLD_SIZE)
        for name, numel in zip(["exp_avg", "exp_avg_sq"], result["state_numel"], strict=True):
            assert numel == end - start, (
                f"ShardedAdam on rank {rank} of {WORLD_SIZE} holds {name} of {numel} numbers; the "
                f"model has 41, and this rank owns the slice [{start}, {end}): its state must "
                f"hold {end - start} (about 1/{WORLD_SIZE} of the total)"
            )
        sizes.append(result["state_numel"][0])
    assert sum(sizes) == 41, f"the ranks' exp_avg sizes {sizes} should add up to the model's 41"


def test_sharded_adam_equals_unsharded_adam_step_by_step():
    results, expected, _ = training()
    names = [name for name, _ in mlp().named_parameters()]
    for rank, result in enumerate(results):
        for step, (params, reference) in enumerate(zip(result["params"], expected, strict=True)):
            for name, p, e in zip(names, params, reference, strict=True):
                assert_tensor(
                    p,
                    e,
                    call=f"rank {rank}'s {name} after ShardedAdam step {step + 1} "
                    f"(vs torch.optim.Adam on the whole batch)",
                )


def test_each_rank_s_moments_are_its_slice_of_adam_s_on_the_averaged_gradient():
    """Adam barely feels a gradient's scale (it divides exp_avg by the root of exp_avg_sq), so
    the parameters alone hardly tell summed gradients from averaged ones: the moments do."""
    results, _, moments = training()
    for rank, result in enumerate(results):
        start, end = shard_bounds(41, rank, WORLD_SIZE)
        for name, full in moments.items():
            assert_tensor(
                result[name],
                full[start:end],
                call=f"rank {rank}'s ShardedAdam.{name} after 3 steps (vs torch.optim.Adam's "
                f"{name} on the whole batch, flattened, [{start}:{end}]): Adam's gradient is "
                f"the average over the ranks, not their sum",
            )
