"""Forgets optimizer.zero_grad() in the float16 step: gradients from before are added to this step's."""

from solution import *


def fp16_scaled_step(model, optimizer, scaler, loss_fn, inputs, targets, max_norm=None):
    loss = autocast_loss(model, loss_fn, inputs, targets, torch.float16)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.item()
