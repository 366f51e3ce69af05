"""Never calls model.train(): a model handed over in eval mode (say, just after a validation
pass) is trained in eval mode, dropout off and batch norm frozen, and is left there."""

from solution import *


def train_forecaster(model, inputs, targets, steps, batch_size=64, lr=1e-2, seed=0):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        batch = torch.randint(0, len(inputs), (batch_size,), generator=generator)
        loss = F.mse_loss(model(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
