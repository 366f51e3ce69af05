import math
import random

import pytest
import torch
import torch.nn.functional as F
from capstone_tiny_gpt import (
    Block,
    CausalSelfAttention,
    CharTokenizer,
    GPTConfig,
    TinyGPT,
    estimate_loss,
    generate,
    get_batch,
    load_checkpoint,
    sample_next,
    save_checkpoint,
    split_data,
    train,
)

from kata_helpers import assert_equal, assert_tensor, call

# The README's targets: seed 0, 200 steps of batch 16, AdamW lr 1e-2, block 32, 2 layers of 32
# features and 4 heads; validation loss at most 0.6 nats (the reference reaches about 0.44).
TARGET_STEPS, TARGET_VAL_LOSS = 200, 0.6


def corpus(seed=0, sentences=600):
    """A made-up corpus of simple sentences: no download, the same text every time."""
    rng = random.Random(seed)
    subjects = ["the cat", "a dog", "my friend", "the old man", "a bird", "the girl"]
    verbs = ["sees", "likes", "finds", "chases", "helps", "paints"]
    objects = ["the red ball", "a small house", "the green tree", "a blue boat", "the moon"]
    endings = [".", "!", " today.", " again."]
    return " ".join(
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}{rng.choice(endings)}"
        for _ in range(sentences)
    )


TEXT = corpus()


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """A model this small trains fastest on one thread, and a busy machine cannot stall it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def small_config(**changes):
    return GPTConfig(**{"vocab_size": 11, "block_size": 16, "n_embd": 16, "n_head": 4, **changes})


def tokens(b, t, vocab=11, seed=0):
    return torch.randint(0, vocab, (b, t), generator=torch.Generator().manual_seed(seed))


def new_model(config, seed=0):
    torch.manual_seed(seed)
    return TinyGPT(config)


# Task 1: the tokenizer


def test_the_tokenizer_vocab_is_the_sorted_distinct_characters():
    tokenizer = CharTokenizer("hello world")
    assert_equal(tokenizer.vocab, [" ", "d", "e", "h", "l", "o", "r", "w"], call="vocab")
    assert_equal(tokenizer.vocab_size, 8, call="vocab_size")


def test_encode_then_decode_gives_the_text_back():
    tokenizer = CharTokenizer(TEXT)
    ids = tokenizer.encode("the cat sees a blue boat!")
    assert isinstance(ids, torch.Tensor) and ids.dtype == torch.int64 and ids.dim() == 1, (
        f"encode returned {ids!r:.80}; expected a 1-D int64 tensor"
    )
    assert_tensor(
        ids[:4],
        torch.tensor([tokenizer.vocab.index(c) for c in "the "]),
        call='encode("the ")',
    )
    assert_equal(tokenizer.decode(ids), "the cat sees a blue boat!", call="decode(encode(s))")
    assert_equal(tokenizer.decode(ids.tolist()), "the cat sees a blue boat!", call="decode(list)")


# Task 2: split_data


@pytest.mark.parametrize("fraction", [0.1, 0.25], ids=["10%", "25%"])
def test_split_data_is_a_contiguous_cut(fraction):
    ids = torch.arange(1000) % 37
    train_part, val_part = split_data(ids, val_fraction=fraction)
    n_train = int(1000 * (1 - fraction))
    assert_tensor(train_part, ids[:n_train], call=f"split_data(ids, {fraction})[0]")
    assert_tensor(val_part, ids[n_train:], call=f"split_data(ids, {fraction})[1]")


# Task 3: get_batch


def test_get_batch_returns_windows_and_their_next_tokens():
    data = torch.arange(100) * 3
    x, y = get_batch(data, block_size=8, batch_size=5, generator=torch.Generator().manual_seed(0))
    for name, t in (("x", x), ("y", y)):
        assert t.shape == (5, 8) and t.dtype == torch.int64, (
            f"get_batch(...) returned {name} of shape {tuple(t.shape)} {t.dtype}; expected (5, 8) int64"
        )
    starts = x[:, 0] // 3
    expected_x = torch.stack([data[s : s + 8] for s in starts.tolist()])
    assert_tensor(x, expected_x, call="get_batch(...)[0]: each row a window of the data")
    assert_tensor(y, expected_x + 3, call="get_batch(...)[1]: y[b, t] is the token after x[b, t]")


def test_get_batch_depends_on_the_generator_only():
    data = torch.arange(500)
    torch.manual_seed(1)
    first = get_batch(data, 8, 6, torch.Generator().manual_seed(42))
    torch.manual_seed(2)
    second = get_batch(data, 8, 6, torch.Generator().manual_seed(42))
    assert_tensor(
        second[0], first[0], call="get_batch with the same generator seed, other global seed"
    )
    third = get_batch(data, 8, 6, torch.Generator().manual_seed(43))
    assert not torch.equal(third[0], first[0]), "another generator seed gave the same batch"


def test_get_batch_reaches_every_window_including_the_last():
    data = torch.arange(11)
    x, y = get_batch(data, block_size=10, batch_size=3, generator=torch.Generator().manual_seed(0))
    assert_tensor(x, data[:10].expand(3, 10), call="get_batch(arange(11), block_size=10)[0]")
    assert_tensor(y, data[1:].expand(3, 10), call="get_batch(arange(11), block_size=10)[1]")
    x, _ = get_batch(
        torch.arange(13), block_size=10, batch_size=200, generator=torch.Generator().manual_seed(1)
    )
    assert_equal(
        sorted(set(x[:, 0].tolist())), [0, 1, 2], call="the starts drawn from arange(13), block 10"
    )


# Task 4: attention


def reference_attention(attn, x):
    B, T, C = x.shape
    hs = C // attn.n_head
    q, k, v = attn.qkv(x).split(C, dim=2)
    q, k, v = (t.view(B, T, attn.n_head, hs).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    y = torch.softmax(scores, dim=-1) @ v
    return attn.proj(y.transpose(1, 2).reshape(B, T, C)), (k, v)


def test_attention_equals_causal_multi_head_attention():
    torch.manual_seed(0)
    attn = CausalSelfAttention(small_config())
    x = torch.randn(2, 7, 16)
    y, (k, v) = attn(x)
    expected, (k_ref, v_ref) = reference_attention(attn, x)
    assert_tensor(y, expected, call="CausalSelfAttention(x)[0]", atol=1e-5)
    assert_tensor(k, k_ref, call="CausalSelfAttention(x)[1][0] (the keys, (B, nh, T, hs))")
    assert_tensor(v, v_ref, call="CausalSelfAttention(x)[1][1] (the values, (B, nh, T, hs))")


@pytest.mark.parametrize("split", [1, 4, 6], ids=["prefix-1", "prefix-4", "prefix-6"])
def test_attention_with_a_cache_equals_attention_over_the_whole_sequence(split):
    torch.manual_seed(0)
    attn = CausalSelfAttention(small_config())
    x = torch.randn(2, 7, 16)
    full, (k_full, _) = attn(x)
    _, past = attn(x[:, :split])
    rest, (k_all, _) = attn(x[:, split:], past)
    assert_tensor(
        rest,
        full[:, split:],
        call=f"attn(x[:, {split}:], past=cache of x[:, :{split}])",
        atol=1e-5,
    )
    assert_tensor(k_all, k_full, call="the keys returned after the cached call (all positions)")


# Task 5: the block


def test_the_block_is_pre_norm_with_residuals():
    torch.manual_seed(0)
    block = Block(small_config())
    x = torch.randn(2, 5, 16)
    y, _ = block(x)
    h = x + reference_attention(block.attn, block.ln_1(x))[0]
    expected = h + block.mlp(block.ln_2(h))
    assert_tensor(
        y, expected, call="Block(x)[0]: x + attn(ln_1(x)), then + mlp(ln_2(.))", atol=1e-5
    )


# Tasks 6 and 7: the model


def test_the_model_gives_logits_and_the_mean_cross_entropy():
    model = new_model(small_config())
    idx, targets = tokens(3, 9), tokens(3, 9, seed=1)
    logits, loss = model(idx, targets)
    assert logits.shape == (3, 9, 11), f"logits of shape {tuple(logits.shape)}, expected (3, 9, 11)"
    assert_tensor(
        loss,
        F.cross_entropy(logits.reshape(-1, 11), targets.reshape(-1)),
        call="model(idx, targets)[1]",
    )
    assert abs(loss.item() - math.log(11)) < 0.1, (
        f"an untrained model's loss is {loss.item():.3f}, expected about log(vocab_size) = "
        f"{math.log(11):.3f}"
    )
    no_loss = model(idx)
    assert no_loss[1] is None, "model(idx) without targets must return (logits, None)"


def test_the_model_is_causal():
    model = new_model(small_config())
    idx = tokens(2, 10)
    changed = idx.clone()
    changed[:, 6:] = (changed[:, 6:] + 1) % 11
    before, _ = model(idx)
    after, _ = model(changed)
    assert_tensor(
        after[:, :6],
        before[:, :6],
        call="model(idx)[0][:, :6] after changing tokens 6.. (the future)",
    )
    assert not torch.allclose(after[:, 6:], before[:, 6:]), "changing tokens changed no logits"


def test_cached_chunks_give_the_logits_of_the_whole_sequence():
    model = new_model(small_config()).eval()
    idx = tokens(2, 12)
    full, _ = model.logits_and_cache(idx)
    chunks, past = [], None
    for start, end in ((0, 5), (5, 8), (8, 9), (9, 12)):
        logits, past = model.logits_and_cache(idx[:, start:end], past)
        chunks.append(logits)
    assert_tensor(
        torch.cat(chunks, dim=1),
        full,
        call="logits_and_cache over chunks 0:5, 5:8, 8:9, 9:12 with the cache (positions continue)",
        atol=1e-5,
    )


def test_the_model_refuses_more_positions_than_block_size():
    model = new_model(small_config(block_size=8))
    model(tokens(1, 8))  # a full window works
    _, past = model.logits_and_cache(tokens(1, 6))
    with pytest.raises(ValueError):
        model.logits_and_cache(tokens(1, 3), past)


# Task 8: estimate_loss


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_estimate_loss_averages_batches_in_eval_mode_without_a_graph(mode):
    model = new_model(small_config(dropout=0.5))
    data = tokens(1, 300)[0]
    seen = []
    model.register_forward_hook(lambda m, a, o: seen.append((m.training, torch.is_grad_enabled())))
    model.train(mode == "train")
    result = estimate_loss(
        model, data, 16, 4, batches=3, generator=torch.Generator().manual_seed(5)
    )
    assert model.training == (mode == "train"), (
        f"estimate_loss did not leave the model in {mode} mode"
    )
    assert seen and all(s == (False, False) for s in seen), (
        f"estimate_loss ran the model as (training, grad enabled) = {seen}; expected eval mode "
        f"without a graph"
    )
    generator, losses = torch.Generator().manual_seed(5), []
    model.eval()
    with torch.no_grad():
        for _ in range(3):
            losses.append(model(*get_batch(data, 16, 4, generator))[1].item())
    assert result == pytest.approx(sum(losses) / 3, rel=1e-5), (
        f"estimate_loss returned {result}; the mean of the 3 batches' losses is {sum(losses) / 3}"
    )


# Task 9: train


def test_a_training_step_is_a_clipped_gradient_step():
    config = small_config()
    model, reference = new_model(config), new_model(config)
    data = tokens(1, 200)[0]
    losses = train(
        model,
        torch.optim.SGD(model.parameters(), lr=1.0),
        data,
        1,
        4,
        torch.Generator().manual_seed(3),
    )
    x, y = get_batch(data, 16, 4, torch.Generator().manual_seed(3))
    loss = reference(x, y)[1]
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(reference.parameters(), 1.0)
    assert norm > 1.0, "the test needs a gradient norm above 1 to see the clipping"
    assert isinstance(losses, list) and len(losses) == 1, f"train(..., steps=1) returned {losses!r}"
    assert losses[0] == pytest.approx(loss.item(), rel=1e-5)
    with torch.no_grad():
        for (name, p), q in zip(model.named_parameters(), reference.parameters(), strict=True):
            assert_tensor(
                p,
                q - q.grad,
                call=f"{name} after one train step (SGD lr 1, clipped to norm 1)",
                atol=1e-6,
            )


def test_train_runs_in_training_mode_with_batches_from_its_generator():
    model = new_model(small_config(dropout=0.1)).eval()
    seen = []
    model.register_forward_hook(lambda m, args, out: seen.append((m.training, args[0].clone())))
    data = tokens(1, 300)[0]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    losses = train(model, optimizer, data, 2, 4, torch.Generator().manual_seed(8))
    assert len(losses) == 2 and all(isinstance(v, float) for v in losses), (
        f"train(..., steps=2) returned {losses!r}; expected a list of 2 floats"
    )
    assert [training for training, _ in seen] == [True, True], (
        "train ran the model in eval mode: put it in training mode first"
    )
    generator = torch.Generator().manual_seed(8)
    for step, (_, inputs) in enumerate(seen):
        expected, _ = get_batch(data, 16, 4, generator)
        assert_tensor(inputs, expected, call=f"the inputs of training step {step}")


@pytest.fixture(scope="module")
def trained():
    tokenizer = CharTokenizer(TEXT)
    train_data, val_data = split_data(tokenizer.encode(TEXT))
    config = GPTConfig(
        vocab_size=tokenizer.vocab_size, block_size=32, n_embd=32, n_head=4, n_layer=2
    )
    model = new_model(config, seed=0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    losses = train(model, optimizer, train_data, TARGET_STEPS, 16, torch.Generator().manual_seed(0))
    val = estimate_loss(model, val_data, 32, 32, 4, torch.Generator().manual_seed(1))
    return model, tokenizer, losses, val


def test_training_reaches_the_stated_validation_loss(trained):
    _, _, losses, val = trained
    assert len(losses) == TARGET_STEPS, (
        f"train returned {len(losses)} losses for {TARGET_STEPS} steps"
    )
    assert val <= TARGET_VAL_LOSS, (
        f"after {TARGET_STEPS} steps (seed 0) the validation loss is {val:.3f}; expected at most "
        f"{TARGET_VAL_LOSS} (the first training loss was {losses[0]:.3f})"
    )


def test_a_trained_model_writes_words_of_its_corpus(trained):
    model, tokenizer, _, _ = trained
    prompt = tokenizer.encode("the cat ").unsqueeze(0)
    out = generate(model, prompt, 24, torch.Generator().manual_seed(0), top_k=1)
    text = tokenizer.decode(out[0])
    words = set(TEXT.replace(".", " ").replace("!", " ").split())
    new_words = text.replace(".", " ").replace("!", " ").split()[:-1]  # the last may be cut off
    unknown = [w for w in new_words if w not in words]
    assert new_words and not unknown, (
        f"the trained model wrote {text!r}: {unknown} are not words of the corpus"
    )


# Task 10: checkpoints


def test_a_checkpoint_loads_with_weights_only_and_returns_its_step(tmp_path):
    model = new_model(small_config())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, model, optimizer, torch.Generator().manual_seed(0), step=7)
    torch.load(path, weights_only=True)
    other = new_model(small_config(), seed=1)
    step = load_checkpoint(
        path, other, torch.optim.AdamW(other.parameters(), lr=1e-3), torch.Generator()
    )
    assert_equal(step, 7, call="load_checkpoint(...)")
    for (name, p), q in zip(model.named_parameters(), other.parameters(), strict=True):
        assert_tensor(q, p, call=f"{name} after load_checkpoint")


def test_resumed_training_equals_uninterrupted_training(tmp_path):
    config = small_config(dropout=0.1)  # dropout draws from the global RNG
    data = tokens(1, 400)[0]

    def fresh(seed):
        model = new_model(config, seed=seed)
        return (
            model,
            torch.optim.AdamW(model.parameters(), lr=3e-3),
            torch.Generator().manual_seed(seed),
        )

    model, optimizer, generator = fresh(0)
    torch.manual_seed(11)
    straight = train(model, optimizer, data, 6, 4, generator)

    first, optimizer_1, generator_1 = fresh(0)
    torch.manual_seed(11)
    before = train(first, optimizer_1, data, 3, 4, generator_1)
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, first, optimizer_1, generator_1, step=3)
    torch.manual_seed(999)  # the interruption: a new process, another RNG state
    resumed, optimizer_2, generator_2 = fresh(5)
    step = load_checkpoint(path, resumed, optimizer_2, generator_2)
    after = train(resumed, optimizer_2, data, 6 - step, 4, generator_2)
    assert before + after == pytest.approx(straight, rel=1e-6), (
        f"losses of 3 steps + checkpoint + 3 resumed steps: {[round(v, 5) for v in before + after]}\n"
        f"uninterrupted 6 steps:                          {[round(v, 5) for v in straight]}\n"
        f"a checkpoint needs the model, the optimizer, the batch generator and the global RNG"
    )
    for (name, p), q in zip(model.named_parameters(), resumed.parameters(), strict=True):
        assert_tensor(q, p, call=f"{name} after resumed training")


# Task 11: sample_next


def test_sample_next_keeps_the_top_k_and_follows_the_softened_probabilities():
    logits = torch.tensor([[2.0, 1.0, 0.5, -1.0, 3.0]]).expand(40000, 5)
    draws = sample_next(
        logits, temperature=2.0, top_k=3, generator=torch.Generator().manual_seed(0)
    )
    assert draws.shape == (40000, 1) and draws.dtype == torch.int64, (
        f"sample_next returned {tuple(draws.shape)} {draws.dtype}; expected (B, 1) int64"
    )
    frequencies = torch.bincount(draws.flatten(), minlength=5).double() / 40000
    top = torch.tensor([2.0, 1.0, 0.5, -1.0, 3.0], dtype=torch.float64)
    expected = torch.softmax((top / 2.0).masked_fill(top < 1.0, float("-inf")), dim=0)
    assert_tensor(
        frequencies,
        expected,
        call="frequencies of 40000 draws from sample_next(logits, temperature=2, top_k=3)",
        atol=0.01,
    )


def test_sample_next_uses_its_generator():
    logits = torch.randn(6, 11, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(1)
    first = sample_next(logits, 1.0, None, torch.Generator().manual_seed(3))
    torch.manual_seed(2)
    second = sample_next(logits, 1.0, None, torch.Generator().manual_seed(3))
    assert_tensor(second, first, call="sample_next with the same generator seed, other global seed")


# Task 12: generate


@pytest.mark.parametrize(
    ("temperature", "top_k"),
    [
        pytest.param(1.0, None, id="T=1"),
        pytest.param(0.8, 4, id="T=0.8-top4"),
        pytest.param(1.0, 1, id="greedy"),
    ],
)
def test_generate_with_the_cache_equals_full_recomputation(temperature, top_k):
    model = new_model(small_config(block_size=20), seed=2)
    prompt = tokens(2, 5, seed=4)
    common = {"temperature": temperature, "top_k": top_k}
    cached = generate(model, prompt, 15, torch.Generator().manual_seed(7), use_cache=True, **common)
    full = generate(model, prompt, 15, torch.Generator().manual_seed(7), use_cache=False, **common)
    assert_tensor(cached[:, :5], prompt, call="generate(...)[:, :5] (the prompt comes first)")
    assert_tensor(cached, full, call="generate(use_cache=True) vs generate(use_cache=False)")


def test_generate_with_the_cache_feeds_one_new_token_per_step():
    model = new_model(small_config(block_size=20))
    shapes = []
    model.wte.register_forward_hook(lambda m, args, out: shapes.append(tuple(args[0].shape)))
    generate(model, tokens(2, 4), 6, torch.Generator().manual_seed(0), use_cache=True)
    assert_equal(
        shapes,
        [(2, 4)] + [(2, 1)] * 5,
        call="the token shapes the embedding saw while generating 6 tokens after a prompt of 4",
    )


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_generate_runs_in_eval_mode_without_a_graph_and_restores_the_mode(mode):
    model = new_model(small_config(dropout=0.5))
    seen = []
    model.blocks[0].register_forward_hook(
        lambda m, a, o: seen.append((m.training, torch.is_grad_enabled()))
    )
    model.train(mode == "train")
    out = generate(model, tokens(1, 3), 4, torch.Generator().manual_seed(0))
    assert out.shape == (1, 7), f"generate returned shape {tuple(out.shape)}; expected (1, 3 + 4)"
    assert model.training == (mode == "train"), f"generate did not leave the model in {mode} mode"
    assert seen and all(s == (False, False) for s in seen), (
        f"generate ran the model as (training, grad enabled) = {seen}; expected eval, no graph"
    )
