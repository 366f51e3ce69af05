"""Tasks 1, 2 and 5 run in two spawned processes on gloo (kata_distributed.run_ranks): the
workers below run on every rank and return what the test checks. Tasks 3 and 4 run here."""

import pytest
import torch
from ddp_on_cpu import (
    average_across_ranks,
    broadcast_module,
    distributed_loader,
    start_epoch,
    train_ddp,
)
from torch import nn
from torch.utils.data import TensorDataset

from kata_distributed import run_ranks
from kata_helpers import assert_tensor

WORLD_SIZE = 2


def batchnorm_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))


def warmed_up(model, rank):
    """One forward in training mode: batch norm's running statistics now differ per rank."""
    model(torch.randn(8, 3) + rank)
    return model


def mlp(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()


def regression_batch(n=8):
    generator = torch.Generator().manual_seed(3)
    inputs = torch.randn(n, 3, generator=generator, dtype=torch.float64)
    targets = inputs.sum(dim=1, keepdim=True).sin()
    return inputs, targets


# --- workers: each runs on every rank, inside the process group ---------------------------------


def _average_worker(rank, world_size):
    tensor = torch.tensor([rank + 1.0, 10.0 * (rank + 1)])
    returned = average_across_ranks(tensor)
    return {"returned": returned, "tensor": tensor}


def _broadcast_worker(rank, world_size, src):
    model = warmed_up(batchnorm_model(seed=rank), rank)
    broadcast_module(model, src=src)
    return model.state_dict()


def _ddp_worker(rank, world_size, steps, lr):
    inputs, targets = regression_batch()
    shard_inputs = inputs.tensor_split(world_size)[rank]
    shard_targets = targets.tensor_split(world_size)[rank]
    model = mlp(seed=rank)  # the ranks start from different weights: rank 0's must win
    return train_ddp(model, shard_inputs, shard_targets, steps, lr)


# --- Task 1 ---------------------------------------------------------------------------------------


def test_average_across_ranks_gives_every_rank_the_mean_in_place():
    results = run_ranks(_average_worker, world_size=WORLD_SIZE)
    expected = torch.tensor([1.5, 15.0])  # ranks hold [1, 10] and [2, 20]
    for rank, result in enumerate(results):
        where = f"average_across_ranks(tensor([{rank + 1.0}, {10.0 * (rank + 1)}])) on rank {rank}"
        assert_tensor(result["returned"], expected, call=where)
        assert_tensor(result["tensor"], expected, call=f"the caller's tensor after {where}")


# --- Task 2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src", [pytest.param(0, id="from-rank-0"), pytest.param(1, id="from-rank-1")]
)
def test_broadcast_module_copies_parameters_and_buffers_of_the_source_rank(src):
    torch.manual_seed(0)
    expected = warmed_up(batchnorm_model(seed=src), src).state_dict()
    results = run_ranks(_broadcast_worker, src, world_size=WORLD_SIZE)
    for rank, state in enumerate(results):
        for name, value in expected.items():
            kind = "buffer" if "running" in name or "batches" in name else "parameter"
            assert_tensor(
                state[name],
                value,
                call=f"rank {rank}'s {kind} {name} after broadcast_module(model, src={src})",
            )


# --- Tasks 3 and 4: no process group needed -------------------------------------------------------


def shares(loaders):
    return [torch.cat([batch for (batch,) in loader]).tolist() for loader in loaders]


@pytest.mark.parametrize(
    ("size", "world_size"),
    [
        pytest.param(12, 2, id="12-over-2"),
        pytest.param(12, 3, id="12-over-3"),
        pytest.param(20, 4, id="20-over-4"),
    ],
)
def test_distributed_loaders_cover_the_data_set_without_overlap(size, world_size):
    dataset = TensorDataset(torch.arange(size))
    loaders = [
        distributed_loader(dataset, 4, rank, world_size, seed=0) for rank in range(world_size)
    ]
    got = shares(loaders)
    where = f"distributed_loader(dataset of {size}, batch_size=4, rank, {world_size}, seed=0)"
    seen = sorted(i for share in got for i in share)
    assert seen == list(range(size)), (
        f"{where}: the ranks' shares {got} together should hold every index once; "
        f"{'repeated: ' + str(sorted({i for i in seen if seen.count(i) > 1}))}"
        f"{', missing: ' + str(sorted(set(range(size)) - set(seen)))}"
    )


def test_distributed_loaders_of_an_uneven_data_set_give_every_rank_the_same_count():
    dataset = TensorDataset(torch.arange(10))
    got = shares([distributed_loader(dataset, 2, rank, 4, seed=0) for rank in range(4)])
    counts = [len(share) for share in got]
    assert counts == [3, 3, 3, 3], (
        f"distributed_loader(dataset of 10, 2, rank, 4): ranks got {counts} samples; each rank "
        f"must get the same count (10 over 4: 3 each, two samples repeated) or the ranks' "
        f"collectives fall out of step"
    )
    assert set(range(10)) <= {i for share in got for i in share}, (
        f"distributed_loader(dataset of 10, 2, rank, 4) left samples out: {got}"
    )


def test_distributed_loaders_shuffle_and_batch():
    dataset = TensorDataset(torch.arange(16))
    loader = distributed_loader(dataset, 3, 0, 2, seed=0)
    sizes = [len(batch) for (batch,) in loader]
    assert sizes == [3, 3, 2], (
        f"distributed_loader(16 samples, batch_size=3, 0, 2): batches {sizes}"
    )
    share = shares([loader])[0]
    assert share != list(range(0, 16, 2)) and share != list(range(8)), (
        f"distributed_loader(16 samples, 3, rank 0, 2, seed=0) gave {share}: not shuffled"
    )


def test_distributed_loaders_shuffle_according_to_the_seed():
    dataset = TensorDataset(torch.arange(16))
    by_seed = {}
    for seed in (0, 1, 2, 1):
        got = shares([distributed_loader(dataset, 4, rank, 2, seed=seed) for rank in range(2)])
        where = f"distributed_loader(16 samples, batch_size=4, rank, 2, seed={seed})"
        assert sorted(got[0] + got[1]) == list(range(16)), (
            f"{where}: the ranks' shares {got} overlap or miss samples: every rank must shuffle "
            f"with the same permutation"
        )
        assert by_seed.setdefault(seed, got) == got, (
            f"{where} twice gave {by_seed[seed]} then {got}: the order must depend on the seed "
            f"(and the epoch) only"
        )
    for a, b in ((0, 1), (0, 2), (1, 2)):
        assert by_seed[a] != by_seed[b], (
            f"distributed_loader(16 samples, 4, rank, 2) gives the same shares {by_seed[a]} "
            f"with seed={a} and seed={b}: the shuffle must follow `seed`"
        )


def test_start_epoch_reshuffles_every_rank_the_same_way():
    dataset = TensorDataset(torch.arange(12))
    loaders = [distributed_loader(dataset, 4, rank, 2, seed=0) for rank in range(2)]
    by_epoch = []
    for epoch in (0, 1, 0):
        for loader in loaders:
            start_epoch(loader, epoch)
        got = shares(loaders)
        assert sorted(got[0] + got[1]) == list(range(12)), (
            f"after start_epoch(loader, {epoch}) on both ranks, their shares {got} overlap or "
            f"miss samples: every rank must shuffle with the same permutation"
        )
        by_epoch.append(got)
    assert by_epoch[0] != by_epoch[1], (
        f"epochs 0 and 1 give the same shares {by_epoch[0]}: start_epoch must make each epoch's "
        f"shuffle different"
    )
    assert by_epoch[0] == by_epoch[2], (
        f"start_epoch(loader, 0) a second time gave {by_epoch[2]}, not epoch 0's {by_epoch[0]}: "
        f"the order must depend on the seed and the epoch only"
    )


# --- Task 5 ---------------------------------------------------------------------------------------


def test_ddp_training_equals_single_process_training_on_the_whole_batch():
    steps, lr = 5, 0.1
    single = mlp(seed=0)  # rank 0's model
    inputs, targets = regression_batch()
    optimizer = torch.optim.SGD(single.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(single(inputs), targets).backward()
        optimizer.step()
    expected = single.state_dict()
    results = run_ranks(_ddp_worker, steps, lr, world_size=WORLD_SIZE)
    for rank, state in enumerate(results):
        where = f"train_ddp(model, rank {rank}'s half of 8 samples, steps={steps}, lr={lr})"
        assert isinstance(state, dict) and list(state) == list(expected), (
            f"{where} returned keys {list(state) if isinstance(state, dict) else state!r}, "
            f"expected the model's own state_dict keys {list(expected)}"
        )
        for name, value in expected.items():
            assert_tensor(
                state[name], value, call=f"{where}[{name!r}] vs one process on the whole batch"
            )
