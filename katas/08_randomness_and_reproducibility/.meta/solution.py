"""Kata 08: randomness and reproducibility.

Fill in every function below; `katas/08_randomness_and_reproducibility/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/08_randomness_and_reproducibility
"""

from collections.abc import Callable
from typing import TypeVar

import torch

T = TypeVar("T")


def seeded_normal(
    shape: tuple[int, ...], seed: int, device: torch.device | str = "cpu"
) -> torch.Tensor:
    """Task 1. float32 standard-normal samples of `shape` on `device`, the same for the same seed,
    drawn without touching (reading or reseeding) the global random number generator."""
    # BEGIN SOLUTION: Task 1: a private random stream of your own, seeded, on the device asked for
    # a generator of our own leaves the global one (and anyone else's randomness) alone
    generator = torch.Generator(device=device).manual_seed(seed)
    return torch.randn(shape, generator=generator, device=device)
    # END SOLUTION


def shuffle_rows(
    data: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 2. The rows of `data` in a random order drawn from `generator`.

    data: (N, ...) -> (shuffled (N, ...), permutation (N,) int64) with shuffled == data[permutation].
    """
    # BEGIN SOLUTION: Task 2: a random order of the row indices, drawn from the generator you are given
    permutation = torch.randperm(data.shape[0], generator=generator)
    return data[permutation], permutation
    # END SOLUTION


def sample_categories(
    weights: torch.Tensor, num_samples: int, generator: torch.Generator
) -> torch.Tensor:
    """Task 3. `num_samples` category indices per row, drawn WITH replacement, category i with
    probability weights[..., i] / weights[...].sum().

    weights: (K,) or (N, K), non-negative, not necessarily summing to 1
    returns int64 (num_samples,) or (N, num_samples).
    """
    # BEGIN SOLUTION: Task 3: draw categories in proportion to their weights; the same category may come again
    # multinomial's default is replacement=False: at most K draws, each category at most once
    return torch.multinomial(weights, num_samples, replacement=True, generator=generator)
    # END SOLUTION


def keep_mask(shape: tuple[int, ...], keep_prob: float, generator: torch.Generator) -> torch.Tensor:
    """Task 4. A float32 mask of 0s and 1s of `shape`, each element 1 with probability `keep_prob`,
    independently (the mask dropout multiplies by)."""
    # BEGIN SOLUTION: Task 4: each element is 1 with the keep probability, drawn from the generator
    probabilities = torch.full(shape, keep_prob)
    return torch.bernoulli(probabilities, generator=generator)
    # END SOLUTION


def with_seed(fn: Callable[[], T], seed: int) -> T:
    """Task 5. Call `fn()` as if torch.manual_seed(seed) had been called just before it (fn may use
    the global RNG, e.g. to initialise a layer) and return its result, leaving the global CPU
    random state exactly as it was before the call."""
    # BEGIN SOLUTION: Task 5: seed, call, and put the global random state back as it was
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return fn()
    # END SOLUTION
