"""Never clears the gradients: each step's gradient is the sum of every step so far."""

from solution import *


def train(model, steps, *, batch_size=32, length=6, num_symbols=8, lr=3e-3, generator):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        inputs, targets = reverse_task_batch(batch_size, length, num_symbols, generator)
        logits = model(inputs)
        loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
