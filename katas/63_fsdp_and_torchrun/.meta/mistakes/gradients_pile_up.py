"""Never clears the gradients between steps: from the second step on, each step uses the sum of
all the gradients so far."""

from solution import *


def train(model, batches, lr):
    rank, world_size = dist.get_rank(), dist.get_world_size()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for inputs, targets in batches:
        my_inputs = inputs.tensor_split(world_size)[rank]
        my_targets = targets.tensor_split(world_size)[rank]
        nn.functional.mse_loss(model(my_inputs), my_targets).backward()
        optimizer.step()
