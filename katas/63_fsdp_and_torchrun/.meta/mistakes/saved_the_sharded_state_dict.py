"""Returns model.state_dict() as it is: under FSDP2 its values are DTensors, each rank holding
only its shard, not the full plain tensors a checkpoint for one process needs."""

from solution import *


def full_state_dict(model):
    return model.state_dict()
