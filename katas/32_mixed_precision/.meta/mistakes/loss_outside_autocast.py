"""Computes the loss after leaving autocast, on the low precision outputs: the loss itself is bfloat16."""

from solution import *


def autocast_loss(model, loss_fn, inputs, targets, dtype=torch.bfloat16):
    with torch.autocast(device_type=inputs.device.type, dtype=dtype):
        outputs = model(inputs)
    return loss_fn(outputs, targets)
