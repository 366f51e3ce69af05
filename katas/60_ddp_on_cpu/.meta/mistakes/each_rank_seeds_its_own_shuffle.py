"""Gives each rank its own seed: each rank then takes its share of a different permutation,
so some samples are seen twice in an epoch and others never."""

from solution import *


def distributed_loader(dataset, batch_size, rank, world_size, seed=0):
    sampler = torch.utils.data.DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed + rank
    )
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
