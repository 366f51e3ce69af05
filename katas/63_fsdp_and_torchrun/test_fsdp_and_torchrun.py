"""The tests launch this kata's script with torchrun (kata_distributed.run_torchrun): two ranks
on gloo, each running fsdp_and_torchrun.main, then check the files it wrote against one process
training the same model on the whole batches. Which modules are FSDP units is checked in this
process, in a process group of one rank."""

import fsdp_and_torchrun
import pytest
import torch
import torch.distributed as dist
from fsdp_and_torchrun import build_model, make_batches, shard_model
from torch import nn
from torch.distributed.fsdp import FSDPModule

from kata_distributed import run_torchrun
from kata_helpers import assert_tensor

STEPS, LR = 5, 0.1
_launched = {}


def launch(tmp_path_factory, device="cpu", nproc=2):
    """Run the script once per device for all the tests that read its files; a failure is
    kept too, and every test that needs the run reports it."""
    key = (device, nproc)
    if key not in _launched:
        out = tmp_path_factory.mktemp(f"fsdp-{device}")
        try:
            run_torchrun(
                fsdp_and_torchrun,
                "--out", out, "--steps", STEPS, "--lr", LR, "--device", device,
                nproc_per_node=nproc,
                timeout=90,
            )  # fmt: skip
            _launched[key] = out
        except Exception as error:
            _launched[key] = error
    result = _launched[key]
    if isinstance(result, Exception):
        raise result
    return result


def single_process_state():
    model = build_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for inputs, targets in make_batches(STEPS):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(inputs), targets).backward()
        optimizer.step()
    return model.state_dict()


def read(path, what):
    assert path.exists(), f"the script did not write {path.name} ({what}); see main's docstring"
    return torch.load(path, weights_only=False)


def test_every_rank_joined_one_gloo_group_of_two(tmp_path_factory):
    out = launch(tmp_path_factory)
    for rank in range(2):
        report = read(out / f"rank{rank}.pt", f"rank {rank}'s shard_report")
        got = (report["rank"], report["world_size"], report["backend"])
        assert got == (rank, 2, "gloo"), (
            f"rank{rank}.pt says (rank, world_size, backend) = {got}, expected ({rank}, 2, "
            f"'gloo'): setup('cpu') must join torchrun's group with gloo"
        )


def test_each_rank_holds_a_one_over_world_dtensor_shard_of_every_parameter(tmp_path_factory):
    out = launch(tmp_path_factory)
    reports = [read(out / f"rank{r}.pt", f"rank {r}'s shard_report") for r in range(2)]
    for name, p in build_model().named_parameters():
        rows = p.shape[0]
        for rank, report in enumerate(reports):
            info = report["parameters"].get(name)
            assert info is not None, f"rank {rank}'s model has no parameter {name!r}"
            assert info["dtensor"], (
                f"rank {rank}'s {name} is a plain tensor of shape {info['shape']}, expected a "
                f"DTensor: shard_model must apply fully_shard"
            )
            first = -(-rows // 2)  # dim 0 cut in chunks of ceil(rows / 2): 16 -> 8, 8; 1 -> 1, 0
            expected = (first if rank == 0 else rows - first, *p.shape[1:])
            assert info["local_shape"] == expected, (
                f"rank {rank} holds a {info['local_shape']} piece of {name} {tuple(p.shape)}, "
                f"expected {expected}: dim-0 shard {rank} of 2 ({info['placements']})"
            )


def test_each_linear_layer_is_its_own_fsdp_unit_under_the_root():
    """Which modules fully_shard made FSDP units does not depend on the number of ranks: checked
    here, in this process, in a process group of one gloo rank (no spawn, no torchrun)."""
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        model = shard_model(build_model(), torch.device("cpu"))
        units = sorted(name for name, m in model.named_modules() if isinstance(m, FSDPModule))
    finally:
        dist.destroy_process_group()
    expected = ["", "0", "2", "4"]  # the root, then build_model()'s three Linear layers
    assert units == expected, (
        f"after shard_model(build_model(), cpu) the FSDP units (the modules fully_shard was "
        f"applied to, by name; '' is the root) are {units}, expected {expected}: fully_shard "
        f"each nn.Linear, then the whole model, so that each layer is gathered just before it "
        f"computes and freed just after"
    )


def test_torchrun_training_equals_one_process_on_the_whole_batches(tmp_path_factory):
    out = launch(tmp_path_factory)
    state = read(out / "full_state_dict.pt", "rank 0's full_state_dict")
    expected = single_process_state()
    assert isinstance(state, dict) and sorted(state) == sorted(expected), (
        f"full_state_dict.pt holds keys {sorted(state) if isinstance(state, dict) else state!r}, "
        f"expected the model's {sorted(expected)}"
    )
    for name, value in expected.items():
        got = state[name]
        assert type(got) is torch.Tensor, (
            f"full_state_dict()[{name!r}] is a {type(got).__name__}, expected a plain tensor of "
            f"the full shape (gather the shards)"
        )
        assert_tensor(
            got,
            value,
            rtol=1e-4,
            atol=1e-6,
            call=f"full_state_dict()[{name!r}] after {STEPS} FSDP steps (vs one process)",
        )


@pytest.mark.cuda
def test_fsdp_on_nccl_trains_like_one_process(tmp_path_factory):
    gpus = min(2, torch.cuda.device_count())
    out = launch(tmp_path_factory, device="cuda", nproc=gpus)
    report = read(out / "rank0.pt", "rank 0's shard_report")
    assert report["backend"] == "nccl", f"setup('cuda') used {report['backend']!r}, not NCCL"
    state = read(out / "full_state_dict.pt", "rank 0's full_state_dict")
    for name, value in single_process_state().items():
        assert_tensor(
            state[name],
            value,
            rtol=1e-3,
            atol=1e-5,
            call=f"full_state_dict()[{name!r}] after {STEPS} FSDP steps on {gpus} GPU(s)",
        )
