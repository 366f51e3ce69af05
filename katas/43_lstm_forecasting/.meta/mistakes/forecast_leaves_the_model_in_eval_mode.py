"""Switches the model to eval mode to forecast and never switches it back: the training
that follows runs with dropout and batch norm in the wrong mode."""

from solution import *


def forecast(model, context, horizon):
    model.eval()
    window, predictions = context.clone(), []
    with torch.no_grad():
        for _ in range(horizon):
            next_value = model(window.unsqueeze(0))
            predictions.append(next_value)
            window = torch.cat([window[1:], next_value])
    return torch.cat(predictions)
