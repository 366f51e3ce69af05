"""Takes the accelerator the build names without asking whether one is available: a CUDA wheel
on a laptop without a GPU picks cuda, and the first tensor made there fails."""

from solution import *


def pick_device():
    return torch.accelerator.current_accelerator() or torch.device("cpu")
