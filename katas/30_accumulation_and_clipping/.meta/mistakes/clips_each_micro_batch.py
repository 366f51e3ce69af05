"""Clips inside the loop, after each micro-batch, so partial sums are clipped instead of the full gradient."""

from solution import *


def accumulated_step(model, optimizer, loss_fn, inputs, targets, micro_batches, max_norm):
    model.zero_grad()
    for x, y in zip(inputs.chunk(micro_batches), targets.chunk(micro_batches), strict=True):
        (loss_fn(model(x), y) / micro_batches).backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return norm.item()
