"""Calls torch.manual_seed(seed) instead of passing a seeded generator: any later use of the global RNG changes the draws."""

from solution import *


def sequence_loader(dataset, batch_size, seed):
    torch.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, collate_fn=pad_collate)


def balanced_sampler(labels, num_samples, seed):
    torch.manual_seed(seed)
    weights = 1.0 / torch.bincount(labels)[labels].double()
    return WeightedRandomSampler(weights, num_samples, replacement=True)


def augmented_loader(dataset, batch_size, seed, num_workers=2):
    torch.manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        worker_init_fn=seed_worker,
    )
