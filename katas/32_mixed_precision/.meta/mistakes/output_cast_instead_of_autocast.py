"""Runs the forward pass in float32 and casts the output to dtype: the dtype looks right, but no matmul ran in low precision."""

from solution import *


def autocast_forward(model, inputs, dtype=torch.bfloat16):
    return model(inputs).to(dtype)
