"""Leaves the scheduler out of the checkpoint: the learning rate restarts from its initial value."""

from solution import *


def save_checkpoint(path, model, optimizer, scheduler, generator, epoch):
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": {"state": optimizer.state_dict()["state"]},
            "torch_rng": torch.get_rng_state(),
            "generator": generator.get_state(),
            "epoch": epoch,
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler, generator):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    state = optimizer.state_dict()
    state["state"] = checkpoint["optimizer"]["state"]
    optimizer.load_state_dict(state)
    torch.set_rng_state(checkpoint["torch_rng"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["epoch"]
