"""Kata 60: DistributedDataParallel on the CPU, with gloo.

Fill in every function below; `katas/60_ddp_on_cpu/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/60_ddp_on_cpu

Tasks 1, 2 and 5 run inside a process group that the tests start for you (two spawned
processes on the gloo backend): call torch.distributed's functions directly, every rank runs
the same code. Tasks 3 and 4 need no process group: the rank and world size are arguments.
"""

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, Dataset


def average_across_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """Task 1. Replace `tensor`, on every rank, by the mean of all ranks' values of it
    (elementwise), in place, and return it. Works on gloo."""
    # BEGIN SOLUTION: Task 1: every rank contributes, every rank receives the same mean
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)  # gloo has SUM, not AVG
    tensor /= dist.get_world_size()
    return tensor
    # END SOLUTION


def broadcast_module(module: nn.Module, src: int = 0) -> None:
    """Task 2. Make every rank's `module` equal to rank `src`'s: every parameter and every
    buffer (batch norm's running statistics included), in place."""
    # BEGIN SOLUTION: Task 2: rank src sends its whole state; the others overwrite theirs
    with torch.no_grad():
        for tensor in [*module.parameters(), *module.buffers()]:
            dist.broadcast(tensor, src=src)
    # END SOLUTION


def distributed_loader(
    dataset: Dataset, batch_size: int, rank: int, world_size: int, seed: int = 0
) -> DataLoader:
    """Task 3. A DataLoader that gives rank `rank` its share of `dataset`: the ranks' shares of
    an epoch are shuffled (the same permutation on every rank, from `seed`), together cover the
    whole data set, and do not overlap when its size divides by `world_size` (otherwise a few
    samples are repeated so that every rank gets the same number)."""
    # BEGIN SOLUTION: Task 3: one shared shuffle, cut into world_size interleaved shares
    sampler = torch.utils.data.DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed
    )
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
    # END SOLUTION


def start_epoch(loader: DataLoader, epoch: int) -> None:
    """Task 4. Prepare `loader` (from Task 3) for epoch `epoch`: each epoch is shuffled
    differently, the same way on every rank (so the shares still do not overlap)."""
    # BEGIN SOLUTION: Task 4: the sampler mixes the epoch into its seed
    loader.sampler.set_epoch(epoch)
    # END SOLUTION


def train_ddp(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    steps: int,
    lr: float,
) -> dict[str, torch.Tensor]:
    """Task 5. Data-parallel training with DistributedDataParallel.

    Each rank passes its own shard of the batch (all shards of the same size) and its own
    `model` (the ranks' models may start different: rank 0's weights win). Take `steps` SGD
    steps (learning rate `lr`) on the mean squared error of model(inputs) against targets.
    Returns the trained model's state_dict, with the model's own keys ("0.weight", not
    "module.0.weight"). After N steps every rank holds the parameters that one process would
    reach with N SGD steps on the whole batch from rank 0's model.
    """
    # BEGIN SOLUTION: Task 5: wrap, then train as usual: DDP averages the gradients in backward
    ddp_model = nn.parallel.DistributedDataParallel(
        model
    )  # broadcasts rank 0's state to every rank
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(ddp_model(inputs), targets)
        loss.backward()  # all_reduce of the gradients, bucket by bucket, then / world_size
        optimizer.step()
    return ddp_model.module.state_dict()
    # END SOLUTION
