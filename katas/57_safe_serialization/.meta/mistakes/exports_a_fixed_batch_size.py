"""Exports without dynamic shapes: the program only accepts the example's batch size."""

from solution import *


def export_model(model, example_input, path):
    was_training = model.training
    model.eval()
    program = torch.export.export(model, (example_input,))
    model.train(was_training)
    torch.export.save(program, path)
