"""Saves the model, the optimizer and the batch generator but not the global RNG: dropout draws
different masks after resuming."""

from solution import *


def save_checkpoint(path, model, optimizer, generator, step):
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "generator": generator.get_state(),
            "step": step,
        },
        path,
    )


def load_checkpoint(path, model, optimizer, generator):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["step"]
