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
    # BEGIN SOLUTION: Task 1: the environment says who this rank is; pick the backend and device
    if device_type == "cuda":
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
        dist.init_process_group("nccl", device_id=device)
    else:
        device = torch.device("cpu")
        dist.init_process_group("gloo")
    return device
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 2: a mesh of all ranks; shard the layers first, the root last
    mesh = init_device_mesh(device.type, (dist.get_world_size(),))
    model.to(device)
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    return model
    # END SOLUTION


def train(model: nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], lr: float) -> None:
    """Task 3. One SGD step (learning rate `lr`, mean squared error) per global batch, this
    rank training on its own contiguous 1/world_size of each batch's rows (rank 0 the first).
    The result equals one process taking the same steps on the whole batches."""
    # BEGIN SOLUTION: Task 3: my rows of each batch; FSDP averages the gradients over the ranks
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)  # on this rank's shards only
    for inputs, targets in batches:
        my_inputs = inputs.tensor_split(world_size)[rank].to(device)  # (B, 4) -> (B / world, 4)
        my_targets = targets.tensor_split(world_size)[rank].to(device)
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(my_inputs), my_targets)
        loss.backward()  # all-gathers the layers it needs, reduce-scatters the gradients
        optimizer.step()
    # END SOLUTION


def full_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Task 4. The whole model's state_dict on every rank: the same keys as the unsharded
    model's, each value a plain (not DTensor) CPU tensor of the full shape."""
    # BEGIN SOLUTION: Task 4: every rank gathers each parameter's shards into the full tensor
    return {
        name: (value.full_tensor() if isinstance(value, DTensor) else value).cpu()
        for name, value in model.state_dict().items()
    }
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 5: the steps in order; collectives on every rank, files by rank
    args = parse_args(argv)
    device = setup(args.device)
    model = shard_model(build_model(), device)
    torch.save(shard_report(model), args.out / f"rank{dist.get_rank()}.pt")
    train(model, make_batches(args.steps), args.lr)
    state = full_state_dict(model)  # a collective: every rank calls it
    if dist.get_rank() == 0:
        torch.save(state, args.out / "full_state_dict.pt")
    dist.barrier()  # every rank is done before any leaves
    dist.destroy_process_group()
    # END SOLUTION


if __name__ == "__main__":
    main()
