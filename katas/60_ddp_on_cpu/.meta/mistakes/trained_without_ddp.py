"""Trains each rank's model on its own shard without DistributedDataParallel: no gradient is
averaged, so each rank fits only its half of the batch and the ranks drift apart."""

from solution import *


def train_ddp(model, inputs, targets, steps, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(inputs), targets).backward()
        optimizer.step()
    return model.state_dict()
