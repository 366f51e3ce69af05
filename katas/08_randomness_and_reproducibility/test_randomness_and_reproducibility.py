import pytest
import torch
from randomness_and_reproducibility import (
    keep_mask,
    sample_categories,
    seeded_normal,
    shuffle_rows,
    with_seed,
)

from kata_helpers import assert_equal, assert_tensor, call, describe


def generator(seed):
    return torch.Generator().manual_seed(seed)


def assert_global_rng_untouched(before, what):
    assert torch.equal(torch.get_rng_state(), before), (
        f"{what} changed the global random state (torch.get_rng_state()): it reseeded or drew from "
        f"the global RNG. Draw from a torch.Generator of your own instead, so that code around "
        f"yours gets the same random numbers whether or not it runs."
    )


@pytest.mark.parametrize("shape", [(3, 4), (1,), (2, 2, 2)], ids=["3x4", "1", "2x2x2"])
def test_seeded_normal_gives_the_same_float32_values_for_the_same_seed(shape):
    first = seeded_normal(shape, 7)
    second = seeded_normal(shape, 7)
    assert isinstance(first, torch.Tensor), (
        f"{call('seeded_normal', shape, 7)} returned {describe(first)}"
    )
    assert_equal(tuple(first.shape), shape, call=f"{call('seeded_normal', shape, 7)}.shape")
    assert_equal(first.dtype, torch.float32, call=f"{call('seeded_normal', shape, 7)}.dtype")
    assert_tensor(second, first, call=f"a second {call('seeded_normal', shape, 7)}", rtol=0, atol=0)


def test_seeded_normal_differs_between_seeds():
    a, b = seeded_normal((50,), 1), seeded_normal((50,), 2)
    assert not torch.equal(a, b), (
        "seeded_normal((50,), 1) and seeded_normal((50,), 2) are equal: the seed is ignored"
    )


def test_seeded_normal_does_not_depend_on_the_global_rng():
    torch.manual_seed(1)
    a = seeded_normal((20,), 3)
    torch.manual_seed(2)
    b = seeded_normal((20,), 3)
    assert_tensor(
        b,
        a,
        call="seeded_normal((20,), 3) after torch.manual_seed(2) vs after torch.manual_seed(1)",
        rtol=0,
        atol=0,
    )


def test_seeded_normal_leaves_the_global_rng_alone():
    before = torch.get_rng_state()
    seeded_normal((5,), 11)
    assert_global_rng_untouched(before, "seeded_normal((5,), 11)")


def test_seeded_normal_is_standard_normal():
    samples = seeded_normal((20000,), 0)
    mean, std = samples.mean().item(), samples.std().item()
    assert abs(mean) < 0.03 and abs(std - 1) < 0.03, (
        f"seeded_normal((20000,), 0) has mean {mean:.3f} and std {std:.3f}: expected about 0 and 1"
    )


@pytest.mark.gpu
def test_seeded_normal_on_the_accelerator_is_reproducible_there(device):
    first = seeded_normal((4, 3), 5, device)
    assert isinstance(first, torch.Tensor) and first.device.type == device.type, (
        f"seeded_normal((4, 3), 5, {device}) returned {describe(first)}, expected a tensor on {device}"
    )
    assert_tensor(
        seeded_normal((4, 3), 5, device),
        first,
        call=call("seeded_normal", (4, 3), 5, device),
        rtol=0,
        atol=0,
    )


@pytest.mark.parametrize("shape", [(10,), (6, 2, 3), (1, 4)], ids=["10", "6x2x3", "1x4"])
def test_shuffle_rows_returns_a_permutation_and_the_rows_in_its_order(shape):
    data = torch.arange(torch.Size(shape).numel()).reshape(shape)
    shuffled, permutation = shuffle_rows(data, generator(0))
    assert_tensor(
        permutation.sort().values,
        torch.arange(shape[0]),
        call="shuffle_rows(data, g)[1].sort().values",
    )
    assert_tensor(shuffled, data[permutation], call="shuffle_rows(data, g)[0] vs data[permutation]")


def test_shuffle_rows_is_reproducible_with_the_same_seed():
    data = torch.randn(12, 3, generator=generator(99))
    first = shuffle_rows(data, generator(5))
    second = shuffle_rows(data, generator(5))
    assert_tensor(
        second[1],
        first[1],
        call="shuffle_rows(data, torch.Generator().manual_seed(5))[1], called twice",
    )
    assert_tensor(
        second[0],
        first[0],
        call="shuffle_rows(data, torch.Generator().manual_seed(5))[0], called twice",
    )


def test_shuffle_rows_differs_between_seeds_and_leaves_the_global_rng_alone():
    data = torch.arange(20)
    before = torch.get_rng_state()
    _, a = shuffle_rows(data, generator(1))
    _, b = shuffle_rows(data, generator(2))
    assert_global_rng_untouched(before, "shuffle_rows(data, generator)")
    assert not torch.equal(a, b), (
        "seeds 1 and 2 gave the same permutation of 20 rows: the generator is ignored"
    )


def test_shuffle_rows_draws_on_from_the_generator_so_each_epoch_gets_a_new_order():
    data, g = torch.arange(20), generator(3)
    _, first = shuffle_rows(data, g)
    _, second = shuffle_rows(data, g)
    assert not torch.equal(first, second), (
        "two calls of shuffle_rows(data, g) with the same generator g gave the same permutation: "
        "draw from g itself (generator=g), not from a fresh generator seeded with "
        "g.initial_seed(); otherwise every epoch sees the data in the same order."
    )


@pytest.mark.parametrize(
    ("weights_shape", "num_samples"),
    [((4,), 10), ((3, 5), 7), ((1, 2), 1)],
    ids=["4-10", "3x5-7", "1x2-1"],
)
def test_sample_categories_gives_int64_indices_of_the_right_shape(weights_shape, num_samples):
    weights = torch.rand(weights_shape, generator=generator(3)) + 0.1
    result = sample_categories(weights, num_samples, generator(0))
    expected_shape = (*weights_shape[:-1], num_samples)
    assert isinstance(result, torch.Tensor), f"sample_categories returned {describe(result)}"
    assert_equal(
        tuple(result.shape),
        expected_shape,
        call=f"{call('sample_categories', weights, num_samples, 'g')}.shape",
    )
    assert_equal(
        result.dtype,
        torch.int64,
        call=f"{call('sample_categories', weights, num_samples, 'g')}.dtype",
    )
    assert bool(((result >= 0) & (result < weights_shape[-1])).all()), (
        f"indices out of range: {result.tolist()}"
    )


def test_sample_categories_draws_with_replacement_in_proportion_to_the_weights():
    weights = torch.tensor([1.0, 2.0, 0.0, 5.0])  # not normalised; category 2 is impossible
    samples = sample_categories(weights, 20000, generator(1))
    frequencies = torch.bincount(samples, minlength=4).float() / 20000
    assert_tensor(
        frequencies,
        weights / weights.sum(),
        call="category frequencies of sample_categories([1, 2, 0, 5], 20000, g)",
        atol=0.02,
        rtol=0,
    )


def test_sample_categories_samples_each_row_from_its_own_weights():
    weights = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    result = sample_categories(weights, 5, generator(2))
    expected = torch.tensor([[1] * 5, [2] * 5])
    assert_tensor(result, expected, call=call("sample_categories", weights, 5, "g"))


def test_sample_categories_is_reproducible_with_the_same_seed():
    weights = torch.ones(6)
    first = sample_categories(weights, 30, generator(4))
    assert_tensor(
        sample_categories(weights, 30, generator(4)),
        first,
        call="sample_categories(torch.ones(6), 30, seed 4), called twice",
    )


def test_sample_categories_draws_from_the_generator_alone():
    weights, g = torch.ones(6), generator(4)
    before = torch.get_rng_state()
    first = sample_categories(weights, 30, g)
    second = sample_categories(weights, 30, g)
    assert_global_rng_untouched(before, "sample_categories(weights, 30, generator)")
    assert not torch.equal(first, second), (
        "two calls of sample_categories(torch.ones(6), 30, g) with the same generator g gave the "
        "same 30 samples: draw from g itself (generator=g), so that each call continues its stream."
    )


@pytest.mark.parametrize("keep_prob", [0.2, 0.8])
def test_keep_mask_is_zeros_and_ones_kept_with_the_keep_probability(keep_prob):
    mask = keep_mask((200, 100), keep_prob, generator(0))
    assert isinstance(mask, torch.Tensor), f"keep_mask returned {describe(mask)}"
    assert_equal(tuple(mask.shape), (200, 100), call=f"keep_mask((200, 100), {keep_prob}, g).shape")
    assert_equal(mask.dtype, torch.float32, call=f"keep_mask((200, 100), {keep_prob}, g).dtype")
    assert bool(((mask == 0) | (mask == 1)).all()), "the mask holds values other than 0 and 1"
    kept = mask.mean().item()
    assert abs(kept - keep_prob) < 0.02, (
        f"keep_mask((200, 100), {keep_prob}, g) keeps {kept:.3f} of the elements, expected about {keep_prob}"
    )


@pytest.mark.parametrize(("keep_prob", "value"), [(0.0, 0.0), (1.0, 1.0)])
def test_keep_mask_at_the_extremes_keeps_nothing_or_everything(keep_prob, value):
    mask = keep_mask((3, 4), keep_prob, generator(0))
    assert_tensor(mask, torch.full((3, 4), value), call=f"keep_mask((3, 4), {keep_prob}, g)")


def test_keep_mask_is_reproducible_and_leaves_the_global_rng_alone():
    before = torch.get_rng_state()
    first = keep_mask((50,), 0.5, generator(8))
    second = keep_mask((50,), 0.5, generator(8))
    assert_global_rng_untouched(before, "keep_mask((50,), 0.5, generator)")
    assert_tensor(second, first, call="keep_mask((50,), 0.5, seed 8), called twice")
    g = generator(8)
    third, fourth = keep_mask((50,), 0.5, g), keep_mask((50,), 0.5, g)
    assert not torch.equal(third, fourth), (
        "two calls of keep_mask((50,), 0.5, g) with the same generator g gave the same mask: "
        "draw from g itself (generator=g), so that each call continues its stream."
    )


def draw_three():
    return torch.randn(3)


def test_with_seed_returns_what_fn_gives_right_after_manual_seed():
    with torch.random.fork_rng():
        torch.manual_seed(42)
        expected = torch.randn(3)
    torch.randn(10)  # move the global RNG somewhere else first
    assert_tensor(
        with_seed(draw_three, 42),
        expected,
        call="with_seed(lambda: torch.randn(3), 42)",
        rtol=0,
        atol=0,
    )


def test_with_seed_restores_the_global_random_state():
    torch.randn(5)
    before = torch.get_rng_state()
    with_seed(draw_three, 42)
    assert torch.equal(torch.get_rng_state(), before), (
        "after with_seed(fn, 42) the global random state is not what it was before: the seed leaked "
        "out, so every random call after it in the program changes. Restore the state on the way out."
    )


def test_with_seed_makes_layer_initialisation_reproducible():
    def make_weights():
        return torch.nn.Linear(4, 3).weight.detach()

    first = with_seed(make_weights, 7)
    torch.rand(100)
    second = with_seed(make_weights, 7)
    assert_tensor(
        second,
        first,
        call="with_seed(lambda: nn.Linear(4, 3).weight, 7), called twice",
        rtol=0,
        atol=0,
    )
    other = with_seed(make_weights, 8)
    assert not torch.equal(first, other), "seeds 7 and 8 gave the same weights: the seed is ignored"


def test_with_seed_returns_any_value_fn_returns():
    result = with_seed(lambda: ("done", 3), 0)
    assert_equal(result, ("done", 3), call="with_seed(lambda: ('done', 3), 0)")
