"""Zeroes the gradients only after each step, never before the first group: old .grad leaks into the first step."""

from solution import *


def train_with_accumulation(model, optimizer, loss_fn, batches, accumulation_steps, max_norm):
    norms = []
    for start in range(0, len(batches), accumulation_steps):
        group = batches[start : start + accumulation_steps]
        for x, y in group:
            (loss_fn(model(x), y) / len(group)).backward()
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        optimizer.zero_grad()
    return norms
