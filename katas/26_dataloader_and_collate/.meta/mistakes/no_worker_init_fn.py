"""Leaves out worker_init_fn: each worker's copy of the dataset's generator starts in the same state."""

from solution import *


def augmented_loader(dataset, batch_size, seed, num_workers=2):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=True, num_workers=num_workers, generator=generator
    )
