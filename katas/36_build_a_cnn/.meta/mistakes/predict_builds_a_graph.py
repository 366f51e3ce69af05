"""Predicts in evaluation mode but with autograd recording: every prediction builds a graph
that nothing will ever use."""

from solution import *


def predict(model, images):
    model.eval()
    return model(images).argmax(dim=1)
