"""Calls fully_shard on the whole model only: the parameters are still sharded DTensors and
training is still right, but the model is one FSDP unit, so forward gathers every layer at
once and keeps it all gathered until backward ends (no memory saved over DDP while computing)."""

from solution import *


def shard_model(model, device):
    mesh = init_device_mesh(device.type, (dist.get_world_size(),))
    model.to(device)
    fully_shard(model, mesh=mesh)
    return model
