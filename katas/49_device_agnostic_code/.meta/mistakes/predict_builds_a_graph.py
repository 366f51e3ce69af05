"""Moves the batch but runs the model with gradients on: every prediction builds a graph that
holds the activations in memory."""

from solution import *


def predict(model, batch):
    return model(move_to(batch, model_device(model)))
