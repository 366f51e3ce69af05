"""Saves the module object itself: the file needs the class to load and runs pickle's code."""

from solution import *


def save_weights(model, path):
    torch.save(model, path)


def load_weights(model, path):
    saved = torch.load(path, weights_only=False)
    model.load_state_dict(saved.state_dict())
    return model
