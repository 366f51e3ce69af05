import pytest
import torch
from dataloader_and_collate import (
    augmented_loader,
    balanced_sampler,
    pad_collate,
    sequence_loader,
)
from torch.utils.data import DataLoader, Dataset

from kata_helpers import assert_equal, assert_tensor, call


def make_sequences(lengths, features=None, seed=0):
    generator = torch.Generator().manual_seed(seed)
    samples = []
    for i, length in enumerate(lengths):
        if features is None:  # token ids, 1..9 so that padding (0) is distinguishable
            sequence = torch.randint(1, 10, (length,), generator=generator)
        else:
            sequence = torch.randn(length, features, generator=generator)
        samples.append((sequence, torch.tensor(i % 3)))
    return samples


def expected_padding(sequences):
    longest = max(len(s) for s in sequences)
    padded = torch.zeros(len(sequences), longest, *sequences[0].shape[1:], dtype=sequences[0].dtype)
    for i, s in enumerate(sequences):
        padded[i, : len(s)] = s
    return padded


# Task 1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lengths", "features"),
    [([3, 5, 1], None), ([4, 2], 3), ([6], None), ([2, 2, 2], 2)],
    ids=["[3,5,1]-None", "[4,2]-3", "[6]-None", "[2,2,2]-2"],
)
def test_pad_collate_pads_to_the_longest_in_the_batch(lengths, features):
    batch = make_sequences(lengths, features)
    padded, _, _ = pad_collate(batch)
    expected = expected_padding([s for s, _ in batch])
    assert_tensor(padded, expected, call=call("pad_collate", f"batch of lengths {lengths}")[:-1])


@pytest.mark.parametrize(
    "lengths", [[3, 5, 1], [7], [2, 9, 4, 4]], ids=["[3,5,1]", "[7]", "[2,9,4,4]"]
)
def test_pad_collate_returns_the_true_lengths(lengths):
    _, got, _ = pad_collate(make_sequences(lengths))
    assert_tensor(got, torch.tensor(lengths), call=f"pad_collate(batch of lengths {lengths})[1]")


def test_pad_collate_counts_zeros_inside_a_sequence_as_part_of_it():
    batch = [
        (torch.tensor([3, 0, 0]), torch.tensor(0)),
        (torch.tensor([0, 5]), torch.tensor(1)),
        (torch.tensor([0]), torch.tensor(2)),
    ]
    padded, lengths, _ = pad_collate(batch)
    expected = torch.tensor([[3, 0, 0], [0, 5, 0], [0, 0, 0]])
    assert_tensor(padded, expected, call="pad_collate([([3, 0, 0], 0), ([0, 5], 1), ([0], 2)])[0]")
    assert_tensor(
        lengths,
        torch.tensor([3, 2, 1]),
        call="pad_collate([([3, 0, 0], 0), ([0, 5], 1), ([0], 2)])[1] (a 0 can be real data: "
        "take each length from the sequence before padding, not by counting non-zeros)",
    )


def test_pad_collate_stacks_the_labels():
    batch = make_sequences([2, 4, 3, 1])
    _, _, labels = pad_collate(batch)
    assert_tensor(labels, torch.tensor([0, 1, 2, 0]), call="pad_collate(batch)[2]")


# Task 2 -----------------------------------------------------------------------------------


def test_sequence_loader_pads_each_batch_and_covers_every_sample():
    dataset = make_sequences([5, 1, 8, 3, 3, 2, 7])
    seen = []
    for padded, lengths, labels in sequence_loader(dataset, batch_size=3, seed=0):
        assert padded.shape[1] == int(lengths.max()), (
            f"a batch of lengths {lengths.tolist()} was padded to {padded.shape[1]}: pad to the "
            f"batch's longest sequence, not a fixed length"
        )
        seen += [
            (tuple(p[:n].tolist()), int(y)) for p, n, y in zip(padded, lengths, labels, strict=True)
        ]
    expected = [(tuple(s.tolist()), int(y)) for s, y in dataset]
    assert sorted(seen) == sorted(expected), "the loader's batches do not hold every sample once"


def test_sequence_loader_is_reproducible_for_a_seed():
    dataset = make_sequences([4, 2, 6, 1, 3, 5, 2, 2])

    def lengths_of(seed, global_seed):
        loader = sequence_loader(dataset, 2, seed)
        torch.manual_seed(global_seed)  # the rest of a program uses the global RNG too
        return [lengths.tolist() for _, lengths, _ in loader]

    first, again, other = lengths_of(11, 0), lengths_of(11, 1), lengths_of(12, 0)
    assert first == again, (
        f"two loaders built with seed=11 gave different batches ({first} vs {again}) when the "
        f"global RNG was reseeded before iterating: pass DataLoader a torch.Generator seeded "
        f"with the seed (torch.manual_seed(seed) is undone by any later use of the global RNG)"
    )
    assert first != other, "seeds 11 and 12 gave the same order: the seed is not used"


# Task 3 -----------------------------------------------------------------------------------


def imbalanced_labels():
    return torch.tensor([0] * 90 + [1] * 10)


def test_balanced_sampler_draws_each_class_about_equally():
    labels = imbalanced_labels()
    indices = torch.tensor(list(balanced_sampler(labels, 2000, seed=0)))
    assert_equal(len(indices), 2000, call="len(list(balanced_sampler(labels, 2000, seed=0)))")
    assert int(indices.min()) >= 0 and int(indices.max()) < 100, (
        f"balanced_sampler drew indices from {int(indices.min())} to {int(indices.max())}; "
        f"they must be dataset indices 0..99"
    )
    minority = float((labels[indices] == 1).float().mean())
    assert 0.44 < minority < 0.56, (
        f"with 90 samples of class 0 and 10 of class 1, class 1 made up {minority:.1%} of the "
        f"draws, expected about 50%: weight each SAMPLE by 1 / (its class's count)"
    )


def test_balanced_sampler_reaches_every_minority_sample():
    labels = imbalanced_labels()
    drawn = set(balanced_sampler(labels, 2000, seed=1))
    missing = sorted(set(range(90, 100)) - {int(i) for i in drawn})
    assert not missing, (
        f"samples {missing} of the minority class were never drawn in 2000 draws: the weights "
        f"must be one per sample (length N = 100), not one per class"
    )


def test_balanced_sampler_is_reproducible_for_a_seed():
    labels = torch.tensor([0, 0, 0, 1, 2, 2])

    def draws(seed, global_seed):
        sampler = balanced_sampler(labels, 50, seed=seed)
        torch.manual_seed(global_seed)  # the rest of a program uses the global RNG too
        return list(sampler)

    first, again, other = draws(5, 0), draws(5, 1), draws(6, 0)
    assert first == again, (
        "two samplers with seed=5 drew different indices when the global RNG was reseeded "
        "before drawing: give WeightedRandomSampler a torch.Generator seeded with the seed"
    )
    assert first != other, "seeds 5 and 6 drew the same indices: the seed is not used"


def test_balanced_sampler_balances_a_dataloader():
    labels = imbalanced_labels()
    dataset = list(zip(torch.arange(100), labels, strict=True))
    loader = DataLoader(dataset, batch_size=50, sampler=balanced_sampler(labels, 1000, seed=2))
    drawn = torch.cat([y for _, y in loader])
    share = float(drawn.float().mean())
    assert 0.42 < share < 0.58, f"class 1 made up {share:.1%} of the loader's labels, not ~50%"


def test_balanced_sampler_balances_three_classes():
    # 60, 30 and 10 samples: every class must come out about a third of the time.
    labels = torch.tensor([0] * 60 + [1] * 30 + [2] * 10)
    indices = torch.tensor(list(balanced_sampler(labels, 3000, seed=7)))
    shares = torch.bincount(labels[indices], minlength=3).double() / len(indices)
    assert bool(((shares - 1 / 3).abs() < 0.05).all()), (
        f"with 60, 30 and 10 samples of classes 0, 1 and 2, the draws were "
        f"{[f'{s:.1%}' for s in shares.tolist()]} of each class, expected about 33% each: "
        f"weight each sample by 1 / (its class's count) (1 - frequency balances two classes only)"
    )


# Task 4 -----------------------------------------------------------------------------------


class NoisyDataset(Dataset):
    """Each item is (index, noise): the noise comes from the dataset's own generator, the way a
    random augmentation would. Every worker process gets a copy of it, generator included."""

    def __init__(self, size=8):
        self.size = size
        self.generator = torch.Generator().manual_seed(0)

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        return index, torch.rand(3, generator=self.generator)


def epoch(loader):
    indices, noise = zip(*loader, strict=True)
    return torch.cat(indices), torch.cat(noise)  # (N,), (N, 3)


def test_the_same_seed_gives_the_same_batches_and_workers_differ():
    loader = augmented_loader(NoisyDataset(), batch_size=2, seed=3)
    torch.manual_seed(1)  # the rest of a program uses the global RNG too
    first_indices, first_noise = epoch(loader)
    loader = augmented_loader(NoisyDataset(), batch_size=2, seed=3)
    torch.manual_seed(2)
    again_indices, again_noise = epoch(loader)
    assert sorted(first_indices.tolist()) == list(range(8)), "an epoch must read every index once"
    distinct = len({tuple(row) for row in first_noise.tolist()})
    assert distinct == 8, (
        f"8 samples read by 2 workers got only {distinct} distinct noise vectors: each worker "
        f"starts with a copy of the same dataset.generator; reseed it in seed_worker from "
        f"torch.utils.data.get_worker_info().seed"
    )
    assert torch.equal(first_indices, again_indices) and torch.equal(first_noise, again_noise), (
        "two loaders built with seed=3 gave different batches (the global RNG was reseeded "
        "before each epoch): seed the DataLoader's generator, and the workers' generators from "
        "get_worker_info().seed"
    )


def test_each_epoch_draws_new_noise():
    loader = augmented_loader(NoisyDataset(), batch_size=2, seed=4)
    _, first_noise = epoch(loader)
    _, second_noise = epoch(loader)
    assert not torch.equal(first_noise, second_noise), (
        "the second epoch repeated the first epoch's noise: seed the workers from "
        "get_worker_info().seed (new every epoch, derived from the loader's seed), not from "
        "worker_id alone"
    )


def test_augmented_loader_works_without_workers():
    indices, noise = epoch(augmented_loader(NoisyDataset(), batch_size=4, seed=0, num_workers=0))
    assert sorted(indices.tolist()) == list(range(8)), "an epoch must read every index once"
    assert noise.shape == (8, 3), f"noise batches have shape {tuple(noise.shape)}, not (8, 3)"


def test_augmented_loader_shuffles_with_its_seed():
    def order(seed):
        loader = augmented_loader(NoisyDataset(16), batch_size=4, seed=seed, num_workers=0)
        return epoch(loader)[0].tolist()

    first, other = order(5), order(6)
    assert sorted(first) == list(range(16)), "an epoch must read every index once"
    assert first != list(range(16)) or other != list(range(16)), (
        f"augmented_loader read the indices in order ({first}): it must shuffle (shuffle=True)"
    )
    assert first != other, (
        f"seeds 5 and 6 gave the same order {first}: shuffle with a generator seeded from `seed`"
    )
