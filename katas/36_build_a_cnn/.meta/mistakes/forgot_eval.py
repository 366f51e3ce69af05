"""Predicts without model.eval(): dropout stays on and batch norm uses the batch's statistics."""

from solution import *


def predict(model, images):
    with torch.no_grad():
        return model(images).argmax(dim=1)
