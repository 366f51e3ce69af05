"""Re-initialises only the model's direct children: layers inside nested blocks keep the default."""

from solution import *


def init_relu_network_(model, generator=None):
    for module in model.children():
        if isinstance(module, nn.Linear):
            kaiming_normal_(module.weight, generator=generator)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model
