import copy

import pytest
import torch
from data_parallel_by_hand import (
    average_gradients,
    data_parallel_step,
    make_replicas,
    shard_gradients,
    split_batch,
)
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call


def small_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()


def small_batch(n, seed=1):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, 4, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 3, (n,), generator=generator)
    return inputs, targets


def full_batch_gradients(model, inputs, targets):
    """The gradient of the mean loss over the whole batch, on one model."""
    loss = nn.functional.cross_entropy(model(inputs), targets)
    return loss.item(), torch.autograd.grad(loss, list(model.parameters()))


SPLITS = [
    pytest.param(10, 4, [3, 3, 2, 2], id="10-over-4"),
    pytest.param(6, 4, [2, 2, 1, 1], id="6-over-4"),
    pytest.param(8, 2, [4, 4], id="8-over-2"),
    pytest.param(5, 5, [1, 1, 1, 1, 1], id="one-each"),
]


@pytest.mark.parametrize(("n", "replicas", "sizes"), SPLITS)
def test_split_batch_gives_every_replica_a_nearly_equal_contiguous_shard(n, replicas, sizes):
    inputs, targets = torch.arange(n * 2).reshape(n, 2), torch.arange(n)
    shards = split_batch(inputs, targets, replicas)
    where = call("split_batch", inputs, targets, replicas)
    assert_equal(len(shards), replicas, call=f"len({where})")
    got_sizes = [len(y) for _, y in shards]
    assert got_sizes == sizes, f"{where}: shard sizes {got_sizes}, expected {sizes}"
    assert_tensor(torch.cat([x for x, _ in shards]), inputs, call=f"torch.cat of {where}'s inputs")
    assert_tensor(
        torch.cat([y for _, y in shards]), targets, call=f"torch.cat of {where}'s targets"
    )


def test_split_batch_returns_views_of_the_batch():
    inputs, targets = small_batch(6)
    shards = split_batch(inputs, targets, 3)
    first_inputs, first_targets = shards[0]
    storage = inputs.untyped_storage().data_ptr()
    assert first_inputs.untyped_storage().data_ptr() == storage, (
        "split_batch copied the inputs: a shard should be a view of the batch (no copy)"
    )
    assert first_targets.untyped_storage().data_ptr() == targets.untyped_storage().data_ptr(), (
        "split_batch copied the targets: a shard should be a view of the batch (no copy)"
    )


def test_replicas_equal_the_model_but_own_their_parameters():
    model = small_model()
    before = [p.detach().clone() for p in model.parameters()]
    replicas = make_replicas(model, 3)
    assert_equal(len(replicas), 3, call="len(make_replicas(model, 3))")
    for r, replica in enumerate(replicas):
        for (name, p), q in zip(replica.named_parameters(), model.parameters(), strict=True):
            assert_tensor(p, q, call=f"make_replicas(model, 3)[{r}].{name}")
    with torch.no_grad():
        for p in replicas[0].parameters():
            p.add_(1.0)
    for r in (1, 2):
        for (name, p), b in zip(replicas[r].named_parameters(), before, strict=True):
            assert torch.equal(p, b), (
                f"updating replica 0 changed replica {r}'s {name}: the replicas share their "
                f"parameters; each must be an independent copy"
            )
    for (name, p), b in zip(model.named_parameters(), before, strict=True):
        assert torch.equal(p, b), f"updating replica 0 changed the original model's {name}"


def test_shard_gradients_equal_the_gradient_of_the_shard_mean_loss():
    model = small_model()
    inputs, targets = small_batch(5)
    expected_loss, expected = full_batch_gradients(copy.deepcopy(model), inputs, targets)
    loss, grads = shard_gradients(model, inputs, targets, nn.functional.cross_entropy)
    where = call("shard_gradients", "model", inputs, targets, "cross_entropy")
    assert_tensor(loss, torch.tensor(expected_loss, dtype=torch.float64), call=f"{where}[0]")
    assert_equal(len(grads), len(expected), call=f"len({where}[1])")
    for (name, _), g, e in zip(model.named_parameters(), grads, expected, strict=True):
        assert_tensor(g, e, call=f"{where}[1] for {name}")


def test_shard_gradients_do_not_pile_up_from_one_call_to_the_next():
    model = small_model()
    inputs, targets = small_batch(5)
    _, first = shard_gradients(model, inputs, targets, nn.functional.cross_entropy)
    first = [g.clone() for g in first]
    _, second = shard_gradients(model, inputs, targets, nn.functional.cross_entropy)
    for (name, _), a, b in zip(model.named_parameters(), first, second, strict=True):
        assert_tensor(
            b, a, call=f"a second shard_gradients on the same shard, for {name} (must not add up)"
        )


def test_average_of_hand_made_gradients_weights_each_shard_by_its_size():
    # Shard 0 holds 1 sample (gradient 1), shard 1 holds 3 (gradient 5): (1*1 + 3*5) / 4 = 4.
    grads = [[torch.tensor([1.0]), torch.tensor([0.0])], [torch.tensor([5.0]), torch.tensor([8.0])]]
    averaged = average_gradients(grads, [1, 3])
    where = call("average_gradients", "[[1., 0.], [5., 8.]]", [1, 3])
    assert_equal(len(averaged), 2, call=f"len({where})")
    assert_tensor(averaged[0], torch.tensor([4.0]), call=f"{where}[0]")
    assert_tensor(averaged[1], torch.tensor([6.0]), call=f"{where}[1]")


@pytest.mark.parametrize(
    ("n", "replicas"),
    [
        pytest.param(8, 2, id="equal-shards"),
        pytest.param(10, 3, id="shards-of-4-3-3"),
        pytest.param(7, 4, id="shards-of-2-2-2-1"),
    ],
)
def test_averaged_replica_gradients_equal_the_full_batch_gradient(n, replicas):
    model = small_model()
    inputs, targets = small_batch(n)
    _, expected = full_batch_gradients(copy.deepcopy(model), inputs, targets)
    shards = [(inputs[i], targets[i]) for i in torch.arange(n).tensor_split(replicas)]
    grads, sizes = [], []
    for x, y in shards:
        grads.append(shard_gradients(model, x, y, nn.functional.cross_entropy)[1])
        sizes.append(len(y))
    averaged = average_gradients(grads, sizes)
    for (name, _), g, e in zip(model.named_parameters(), averaged, expected, strict=True):
        assert_tensor(
            g, e, call=f"average_gradients over shards of {sizes}, for {name} (full batch)"
        )


@pytest.mark.parametrize(
    ("n", "replicas"),
    [pytest.param(9, 3, id="equal-shards"), pytest.param(11, 3, id="unequal-shards")],
)
def test_data_parallel_steps_equal_sgd_on_the_whole_batch(n, replicas):
    model = small_model()
    single = copy.deepcopy(model)
    copies = make_replicas(model, replicas)
    for step in range(3):
        inputs, targets = small_batch(n, seed=step)
        expected_loss, grads = full_batch_gradients(single, inputs, targets)
        with torch.no_grad():
            for p, g in zip(single.parameters(), grads, strict=True):
                p -= 0.5 * g
        loss = data_parallel_step(copies, inputs, targets, nn.functional.cross_entropy, lr=0.5)
        where = f"data_parallel_step(replicas, batch of {n} over {replicas}, lr=0.5), step {step}"
        assert isinstance(loss, float), f"{where} returned {type(loss).__name__}, expected float"
        assert loss == pytest.approx(expected_loss, rel=1e-9), (
            f"{where} returned loss {loss}, expected the whole batch's mean loss {expected_loss}"
        )
        for r, replica in enumerate(copies):
            for (name, p), q in zip(replica.named_parameters(), single.parameters(), strict=True):
                assert_tensor(p, q, call=f"{where}: replica {r}'s {name} vs one model's SGD")


def test_data_parallel_step_keeps_parameters_as_leaves_that_require_grad():
    copies = make_replicas(small_model(), 2)
    inputs, targets = small_batch(6)
    data_parallel_step(copies, inputs, targets, nn.functional.cross_entropy, lr=0.1)
    for r, replica in enumerate(copies):
        for name, p in replica.named_parameters():
            assert p.is_leaf and p.requires_grad, (
                f"after data_parallel_step, replica {r}'s {name} is "
                f"{'not a leaf' if not p.is_leaf else 'not requiring grad'}: update the "
                f"parameters in place without recording it (torch.no_grad)"
            )
