"""Saves and restores the model but not the optimizer: Adam's moment estimates restart from zero."""

from solution import *


def save_checkpoint(path, model, optimizer, scheduler, generator, epoch):
    torch.save(
        {
            "model": model.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "generator": generator.get_state(),
            "epoch": epoch,
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler, generator):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    torch.set_rng_state(checkpoint["torch_rng"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["epoch"]
