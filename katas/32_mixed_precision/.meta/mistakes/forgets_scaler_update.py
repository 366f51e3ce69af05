"""Never calls scaler.update(): after an overflow the scale stays too large and every later step is skipped."""

from solution import *


def fp16_scaled_step(model, optimizer, scaler, loss_fn, inputs, targets, max_norm=None):
    optimizer.zero_grad()
    loss = autocast_loss(model, loss_fn, inputs, targets, torch.float16)
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)
    return loss.item()
