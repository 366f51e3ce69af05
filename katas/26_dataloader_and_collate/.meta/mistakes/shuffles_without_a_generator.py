"""Shuffles without a seeded generator: the order follows the global RNG, so a seed changes nothing."""

from solution import *


def sequence_loader(dataset, batch_size, seed):
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, collate_fn=pad_collate)


def augmented_loader(dataset, batch_size, seed, num_workers=2):
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        worker_init_fn=seed_worker,
    )
