"""Kata 63: FSDP2 and torchrun: a training script that shards its model across processes.

Fill in every function below; `katas/63_fsdp_and_torchrun/README.md` explains each task.
This file is a script: torchrun starts it once per rank, for example
    .venv/bin/python -m torch.distributed.run --standalone --nproc-per-node 2 \
        katas/63_fsdp_and_torchrun/fsdp_and_torchrun.py --out /tmp/fsdp
Run the tests (they launch it that way) with: .venv/bin/python -m pytest katas/63_fsdp_and_torchrun
"""

import argparse
import os
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor


def setup(device_type: str = "cpu") -> torch.device:
    """Task 1. Join the process group torchrun prepared (its RANK, WORLD_SIZE, LOCAL_RANK,
    MASTER_ADDR and MASTER_PORT are in the environment): gloo for "cpu", NCCL for "cuda", where
    each rank uses the GPU numbered by its LOCAL_RANK. Returns the device this rank computes on
    (cpu, or cuda:LOCAL_RANK)."""
    raise NotImplementedError(
        "Task 1: the environment says who this rank is; pick the backend and device"
    )


def build_model() -> nn.Module:
    """The model, the same on every rank (seeded): 4 -> 16 -> 16 -> 1."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
    )


def make_batches(steps: int, batch_size: int = 8) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """`steps` global batches (inputs (batch_size, 4), targets (batch_size, 1)), the same on
    every rank."""
    generator = torch.Generator().manual_seed(1)
    batches = []
    for _ in range(steps):
        inputs = torch.randn(batch_size, 4, generator=generator)
        batches.append((inputs, inputs.sum(dim=1, keepdim=True).sin()))
    return batches


def shard_model(model: nn.Module, device: torch.device) -> nn.Module:
    """Task 2. Shard `model` with FSDP2 over every rank of the process group: a 1-D device
    mesh of world_size ranks, `fully_shard` on each Linear layer, then on the whole model.
    Afterwards each parameter is a DTensor of which this rank holds dim-0 shard number `rank`
    (1/world_size of it). Returns the model."""
    raise NotImplementedError("Task 2: a mesh of all ranks; shard the layers first, the root last")


def train(model: nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], lr: float) -> None:
    """Task 3. One SGD step (learning rate `lr`, mean squared error) per global batch, this
    rank training on its own contiguous 1/world_size of each batch's rows (rank 0 the first).
    The result equals one process taking the same steps on the whole batches."""
    raise NotImplementedError(
        "Task 3: my rows of each batch; FSDP averages the gradients over the ranks"
    )


def full_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Task 4. The whole model's state_dict on every rank: the same keys as the unsharded
    model's, each value a plain (not DTensor) CPU tensor of the full shape."""
    raise NotImplementedError(
        "Task 4: every rank gathers each parameter's shards into the full tensor"
    )


def shard_report(model: nn.Module) -> dict:
    """What the tests check about the sharding: for each parameter, whether it is a DTensor,
    its global shape and the shape of the part this rank holds."""
    report = {"rank": dist.get_rank(), "world_size": dist.get_world_size()}
    report["backend"] = dist.get_backend()
    report["parameters"] = {
        name: {
            "dtensor": isinstance(p, DTensor),
            "shape": tuple(p.shape),
            "local_shape": tuple(p.to_local().shape if isinstance(p, DTensor) else p.shape),
            "placements": str(p.placements) if isinstance(p, DTensor) else None,
        }
        for name, p in model.named_parameters()
    }
    return report


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="FSDP2 training, launched by torchrun")
    parser.add_argument("--out", type=Path, required=True, help="folder for the results")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Task 5. The script, run by every rank: parse the arguments, `setup`, build and shard
    the model, save `shard_report(model)` to OUT/rank{RANK}.pt (torch.save), `train` on
    `make_batches(steps)`, then rank 0 saves `full_state_dict(model)` to OUT/full_state_dict.pt
    (every rank must take part in gathering it), and leave the process group."""
    raise NotImplementedError(
        "Task 5: the steps in order; collectives on every rank, files by rank"
    )


if __name__ == "__main__":
    main()
