"""Builds the augmented loader with shuffle=False: the same order every epoch and every seed."""

from solution import *


def augmented_loader(dataset, batch_size, seed, num_workers=2):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        worker_init_fn=seed_worker,
        generator=generator,
    )
