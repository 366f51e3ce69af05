"""Re-initialises every module with a weight of 2 or more dimensions: a Conv1d's and an
Embedding's weights too, where only the nn.Linear layers were asked for."""

from solution import *


def init_relu_network_(model, generator=None):
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.dim() >= 2:
            kaiming_normal_(weight, mode="fan_in", nonlinearity="relu", generator=generator)
            bias = getattr(module, "bias", None)
            if bias is not None:
                nn.init.zeros_(bias)
    return model
