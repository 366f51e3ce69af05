import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from transformer_block import (
    IGNORE,
    Block,
    CausalSelfAttention,
    TinyLM,
    accuracy,
    reverse_task_batch,
    train,
)

from kata_helpers import assert_equal, assert_tensor, call, describe

# The README's stated target: with these settings, 120 steps reach 98% accuracy on the
# reversed half. Measured with the reference solution: 60 steps already give >= 99.9% for
# seeds 0-7, and 120 steps give 100% for seeds 0-19.
STEPS, TARGET = 120, 0.98


@pytest.fixture(autouse=True)
def _one_thread():
    """Models this small gain nothing from threads, and on a busy machine they cost seconds."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def data(*shape, seed=0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def reference_attention(module, x):
    """Causal multi-head attention written out with the module's own weights."""
    batch, time, channels = x.shape
    heads, head_size = module.n_head, channels // module.n_head
    q, k, v = F.linear(x, module.qkv.weight, module.qkv.bias).chunk(3, dim=-1)
    q, k, v = (t.reshape(batch, time, heads, head_size).permute(0, 2, 1, 3) for t in (q, k, v))
    scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(head_size)
    future = torch.ones(time, time, dtype=torch.bool).triu(1)
    weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
    mixed = torch.einsum("bhqk,bhkd->bhqd", weights, v).permute(0, 2, 1, 3)
    return F.linear(mixed.reshape(batch, time, channels), module.proj.weight, module.proj.bias)


def reference_block(block, x):
    x = x + reference_attention(
        block.attn, F.layer_norm(x, x.shape[-1:], block.ln_1.weight, block.ln_1.bias)
    )
    hidden = F.layer_norm(x, x.shape[-1:], block.ln_2.weight, block.ln_2.bias)
    return x + block.mlp[2](F.gelu(block.mlp[0](hidden)))


def randomize_norms(module):
    """LayerNorms start as weight 1, bias 0; random values make a swapped norm visible."""
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, nn.LayerNorm):
                layer.weight.uniform_(0.5, 1.5)
                layer.bias.normal_(0.0, 0.3)
    return module


def assert_causal(function, x, what):
    """Changing the last position must leave every earlier output unchanged."""
    changed = x.clone()
    changed[:, -1] = (
        changed[:, -1] + 5.0 if changed.is_floating_point() else (changed[:, -1] + 1) % 9
    )
    before, after = function(x), function(changed)
    assert_tensor(
        after[:, :-1],
        before[:, :-1],
        call=f"{what}: outputs at positions 0..T-2 after the last input changed (they must not move)",
    )


# Task 1: CausalSelfAttention


@pytest.mark.parametrize("n_head", [1, 2, 4], ids=["1-head", "2-heads", "4-heads"])
def test_causal_self_attention_equals_the_formula(n_head):
    module = CausalSelfAttention(16, n_head)
    x = data(3, 7, 16, seed=1)
    result = module(x)
    assert_tensor(
        result,
        reference_attention(module, x),
        call=f"CausalSelfAttention(16, {n_head})({describe(x)})",
        atol=1e-5,
    )


def test_causal_self_attention_never_looks_ahead():
    module = CausalSelfAttention(8, 2)
    assert_causal(module, data(2, 5, 8, seed=2), "CausalSelfAttention(8, 2)")


def test_causal_self_attention_works_for_one_position():
    module = CausalSelfAttention(8, 2)
    x = data(2, 1, 8, seed=3)
    assert_tensor(
        module(x),
        reference_attention(module, x),
        call=f"CausalSelfAttention(8, 2)({describe(x)})",
        atol=1e-5,
    )


# Task 2: Block


def test_block_is_pre_norm_with_two_residuals():
    block = randomize_norms(Block(16, 4))
    x = data(2, 6, 16, seed=4) * 3 + 1
    result = block(x)
    assert_tensor(
        result,
        reference_block(block, x),
        call=f"Block(16, 4)({describe(x)})  (x + attn(ln_1(x)), then + mlp(ln_2(.)))",
        atol=1e-4,
    )


def test_block_keeps_the_shape_and_never_looks_ahead():
    block = randomize_norms(Block(8, 2))
    x = data(3, 5, 8, seed=5)
    assert_equal(tuple(block(x).shape), (3, 5, 8), call=f"Block(8, 2)({describe(x)}).shape")
    assert_causal(block, x, "Block(8, 2)")


# Task 3: TinyLM.forward


def reference_logits(model, idx):
    positions = torch.arange(idx.shape[1])
    x = model.token_embedding.weight[idx] + model.position_embedding.weight[positions]
    for block in model.blocks:
        x = reference_block(block, x)
    x = F.layer_norm(x, x.shape[-1:], model.ln_f.weight, model.ln_f.bias)
    return F.linear(x, model.head.weight, model.head.bias)


@pytest.mark.parametrize("time", [1, 5, 12], ids=["T-1", "T-5", "T-is-block-size"])
def test_tiny_lm_logits_equal_the_composition_of_its_parts(time):
    model = randomize_norms(TinyLM(vocab_size=9, block_size=12, n_embd=16, n_layer=2, n_head=2))
    idx = torch.randint(0, 9, (2, time), generator=torch.Generator().manual_seed(6))
    result = model(idx)
    assert_tensor(
        result, reference_logits(model, idx), call=f"TinyLM(9, 12)({describe(idx)})", atol=1e-4
    )


def test_tiny_lm_never_looks_ahead():
    model = TinyLM(vocab_size=9, block_size=12, n_embd=16, n_layer=2, n_head=2)
    idx = torch.randint(0, 9, (2, 8), generator=torch.Generator().manual_seed(7))
    assert_causal(model, idx, "TinyLM(9, 12)")


def test_tiny_lm_refuses_a_sequence_longer_than_its_block_size():
    model = TinyLM(vocab_size=9, block_size=4, n_embd=8, n_layer=1, n_head=2)
    fits = model(torch.zeros(1, 4, dtype=torch.int64))
    assert_equal(
        tuple(fits.shape), (1, 4, 9), call="TinyLM(9, block_size=4)(idx of shape (1, 4)).shape"
    )
    with pytest.raises(ValueError):
        model(torch.zeros(1, 5, dtype=torch.int64))


# Task 4: reverse_task_batch


def test_reverse_task_batch_is_symbols_separator_and_reversed_symbols_shifted_by_one():
    generator = torch.Generator().manual_seed(8)
    inputs, targets = reverse_task_batch(5, 4, 6, generator)
    what = "reverse_task_batch(5, length=4, num_symbols=6, generator)"
    assert_equal(tuple(inputs.shape), (5, 8), call=what + "[0].shape")
    assert_equal(tuple(targets.shape), (5, 8), call=what + "[1].shape")
    assert_equal(inputs.dtype, torch.int64, call=what + "[0].dtype")
    assert_equal(targets.dtype, torch.int64, call=what + "[1].dtype")
    symbols = inputs[:, :4]
    assert bool(((symbols >= 0) & (symbols < 6)).all()), (
        f"{what}: symbols out of range 0..5: {symbols.tolist()}"
    )
    expected_inputs = torch.cat([symbols, torch.full((5, 1), 6), symbols.flip(1)[:, :3]], dim=1)
    assert_tensor(
        inputs, expected_inputs, call=what + "[0]  (symbols, separator 6, reversed symbols)"
    )
    expected_targets = torch.cat([torch.full((5, 4), IGNORE), symbols.flip(1)], dim=1)
    assert_tensor(
        targets, expected_targets, call=what + "[1]  (IGNORE x length, then the reversed symbols)"
    )


def test_reverse_task_batch_draws_with_its_generator_only():
    state = torch.get_rng_state()
    first = reverse_task_batch(64, 6, 8, torch.Generator().manual_seed(9))
    again = reverse_task_batch(64, 6, 8, torch.Generator().manual_seed(9))
    assert torch.equal(torch.get_rng_state(), state), (
        "reverse_task_batch used the global RNG; draw with `generator`"
    )
    assert_tensor(again[0], first[0], call="reverse_task_batch(..., a generator seeded 9) twice")
    generator = torch.Generator().manual_seed(9)
    one, two = (
        reverse_task_batch(64, 6, 8, generator)[0],
        reverse_task_batch(64, 6, 8, generator)[0],
    )
    assert not torch.equal(one, two), "two batches drawn from one generator are identical"
    counts = torch.bincount(first[0][:, :6].flatten(), minlength=8)
    assert bool((counts > 0).all()), (
        f"some symbols never appear in 384 draws: counts {counts.tolist()}"
    )


# Task 5: accuracy


class Oracle(nn.Module):
    """Predicts the target exactly where `right` is True, a wrong token elsewhere, and records
    its mode and whether autograd recorded."""

    def __init__(self, targets, right, vocab_size=9):
        super().__init__()
        self.logits = torch.zeros(*targets.shape, vocab_size)
        wanted = torch.where(right, targets.clamp(min=0), (targets.clamp(min=0) + 1) % vocab_size)
        self.logits.scatter_(2, wanted.unsqueeze(2), 1.0)
        self.weight = nn.Parameter(torch.ones(()))
        self.calls = []

    def forward(self, idx):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.logits * self.weight


def test_accuracy_counts_only_the_scored_positions():
    inputs, targets = reverse_task_batch(4, 3, 8, torch.Generator().manual_seed(10))
    right = torch.ones_like(targets, dtype=torch.bool)
    right[0, 3] = right[1, 4] = right[2, 5] = False  # 3 of 12 scored positions wrong
    right[:, :3] = False  # wrong on every ignored position: must not count
    result = accuracy(Oracle(targets, right), inputs, targets)
    assert_equal(result, 0.75, call="accuracy(model right on 9 of the 12 scored positions, ...)")


def test_accuracy_runs_in_eval_mode_without_a_graph_and_restores_the_mode():
    inputs, targets = reverse_task_batch(2, 3, 8, torch.Generator().manual_seed(11))
    for start_in_training in (True, False):
        model = Oracle(targets, torch.ones_like(targets, dtype=torch.bool))
        model.train(start_in_training)
        result = accuracy(model, inputs, targets)
        assert_equal(result, 1.0, call="accuracy(a model that is always right, ...)")
        assert model.calls and all(call_ == (False, False) for call_ in model.calls), (
            f"the model ran with (training, grad enabled) = {model.calls}; expected eval mode "
            f"without a graph: (False, False)"
        )
        assert_equal(
            model.training,
            start_in_training,
            call=f"model.training after accuracy (it was {start_in_training})",
        )


# Task 6: train


def test_train_takes_one_step_per_batch_and_returns_the_losses():
    torch.manual_seed(0)
    model = TinyLM(vocab_size=9, block_size=12, n_embd=16, n_layer=1, n_head=2)
    before = [p.detach().clone() for p in model.parameters()]
    model.eval()
    losses = train(model, 3, batch_size=4, generator=torch.Generator().manual_seed(12))
    assert (
        isinstance(losses, list) and len(losses) == 3 and all(isinstance(v, float) for v in losses)
    ), f"train(model, 3, ...) returned {describe(losses)}, expected a list of 3 Python floats"
    assert model.training, (
        "train left the model in eval mode; it must train (and leave it) in training mode"
    )
    unchanged = [
        i
        for i, (p, b) in enumerate(zip(model.parameters(), before, strict=True))
        if torch.equal(p, b)
    ]
    assert not unchanged, (
        f"parameters {unchanged} did not change in 3 steps: is every parameter given to the optimizer?"
    )
    torch.manual_seed(0)
    fresh = TinyLM(vocab_size=9, block_size=12, n_embd=16, n_layer=1, n_head=2)
    expected = reference_training(fresh, 3, generator=torch.Generator().manual_seed(12))
    for step, (got, want) in enumerate(zip(losses, expected, strict=True)):
        assert math.isclose(got, want, rel_tol=1e-4), (
            f"train's loss at step {step} is {got:.5f}; one AdamW(lr=3e-3) step per fresh batch of the "
            f"generator, with the mean cross-entropy over the scored positions, gives {want:.5f} "
            f"(all losses: expected {[round(v, 5) for v in expected]}, got {[round(v, 5) for v in losses]})"
        )


def reference_training(model, steps, generator, batch_size=4):
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(steps):
        inputs, targets = reverse_task_batch(batch_size, 6, 8, generator)  # task 4's batches
        scored = targets != IGNORE
        loss = F.cross_entropy(model(inputs)[scored], targets[scored])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("seed", [0, 1], ids=["seed-0", "seed-1"])
def test_tiny_lm_learns_to_reverse_within_the_stated_steps(seed):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size=9, block_size=12, n_embd=32, n_layer=2, n_head=4)
    losses = train(model, STEPS, generator=torch.Generator().manual_seed(seed))
    inputs, targets = reverse_task_batch(512, 6, 8, torch.Generator().manual_seed(1234))
    model.eval()
    with torch.no_grad():
        predictions = model(inputs).argmax(dim=-1)
    scored = targets != IGNORE
    reached = (predictions[scored] == targets[scored]).float().mean().item()
    assert reached >= TARGET, (
        f"after train(TinyLM(9, 12, 32, 2, 4), {STEPS}, generator seeded {seed}) the model predicts "
        f"{reached:.1%} of the reversed tokens of a fresh batch; expected at least {TARGET:.0%} "
        f"(loss went from {losses[0]:.3f} to {losses[-1]:.3f})"
    )
