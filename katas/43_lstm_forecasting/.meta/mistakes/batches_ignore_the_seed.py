"""Draws the batches from the global random generator: `seed` does nothing, and two runs
with the same seed train on different batches."""

from solution import *


def train_forecaster(model, inputs, targets, steps, batch_size=64, lr=1e-2, seed=0):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randint(0, len(inputs), (batch_size,))
        loss = F.mse_loss(model(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
