"""Saves the model and optimizer objects themselves: the file needs weights_only=False to load."""

from solution import *


def save_checkpoint(path, model, optimizer, scheduler, generator, epoch):
    torch.save(
        {
            "model": model,
            "optimizer": optimizer,
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "generator": generator.get_state(),
            "epoch": epoch,
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler, generator):
    checkpoint = torch.load(path, weights_only=False)
    model.load_state_dict(checkpoint["model"].state_dict())
    optimizer.load_state_dict(checkpoint["optimizer"].state_dict())
    scheduler.load_state_dict(checkpoint["scheduler"])
    torch.set_rng_state(checkpoint["torch_rng"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["epoch"]
