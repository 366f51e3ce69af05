"""Seeds each worker's generator with its worker_id: workers differ, but every epoch and seed repeat."""

from solution import *


def seed_worker(worker_id):
    get_worker_info().dataset.generator.manual_seed(worker_id)


def augmented_loader(dataset, batch_size, seed, num_workers=2):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        worker_init_fn=seed_worker,
        generator=generator,
    )
