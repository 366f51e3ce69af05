"""Saves the whole module with torch.save(model), which weights_only=True cannot load."""

from solution import *


def save_and_reload(model, sizes, path):
    torch.save(model, path)
    return torch.load(path, weights_only=False)
