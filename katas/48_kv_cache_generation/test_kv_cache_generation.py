import math

import pytest
import torch
import torch.nn.functional as F
from kv_cache_generation import KVCache, TinyGPT, generate, sample_top_k

from kata_helpers import assert_equal, assert_tensor, call, describe

VOCAB, BLOCK, N_EMBD, N_LAYER, N_HEAD = 11, 24, 32, 2, 4


@pytest.fixture(autouse=True)
def _one_thread():
    """Models this small gain nothing from threads, and on a busy machine they cost seconds."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def make_model(seed=0):
    torch.manual_seed(seed)
    model = TinyGPT(VOCAB, BLOCK, N_EMBD, N_LAYER, N_HEAD)
    with torch.no_grad():  # LayerNorms start as (1, 0); random values make mistakes visible
        for name, parameter in model.named_parameters():
            if "ln" in name:
                parameter.normal_(1.0 if name.endswith("weight") else 0.0, 0.3)
    return model.eval()


def tokens(batch, time, seed=1):
    return torch.randint(0, VOCAB, (batch, time), generator=torch.Generator().manual_seed(seed))


def reference_logits(model, idx):
    """The whole sequence, no cache, written out from the model's weights."""
    time = idx.shape[1]
    x = model.token_embedding.weight[idx] + model.position_embedding.weight[:time]
    future = torch.ones(time, time, dtype=torch.bool).triu(1)
    for block in model.blocks:
        attn = block.attn
        h = F.layer_norm(x, x.shape[-1:], block.ln_1.weight, block.ln_1.bias)
        q, k, v = F.linear(h, attn.qkv.weight, attn.qkv.bias).chunk(3, dim=-1)
        hs = N_EMBD // N_HEAD
        q, k, v = (t.reshape(*t.shape[:2], N_HEAD, hs).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-2, -1) / math.sqrt(hs)).masked_fill(future, float("-inf"))
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
        x = x + F.linear(y, attn.proj.weight, attn.proj.bias)
        h = F.layer_norm(x, x.shape[-1:], block.ln_2.weight, block.ln_2.bias)
        x = x + block.mlp(h)
    return model.head(F.layer_norm(x, x.shape[-1:], model.ln_f.weight, model.ln_f.bias))


class CallRecorder:
    """Records, at every call of the model: the shape of the tokens it gets, the length of
    the cache it gets (None without one) and whether autograd is recording."""

    def __init__(self, model):
        self.calls = []
        self.handle = model.register_forward_pre_hook(self.hook, with_kwargs=True)

    def hook(self, module, args, kwargs):
        cache = kwargs.get("cache", args[1] if len(args) > 1 else None)
        length = None if cache is None else cache.length
        self.calls.append((tuple(args[0].shape), length, torch.is_grad_enabled()))


def full_recomputation(model, prompt, max_new_tokens, top_k=None, temperature=1.0, generator=None):
    """What generation must give: every step runs the whole sequence, no cache."""
    sequence = prompt
    with torch.no_grad():
        for _ in range(max_new_tokens):
            last = reference_logits(model, sequence)[:, -1]
            if top_k is None:
                next_token = last.argmax(dim=-1)
            else:
                next_token = sample_top_k(last, top_k, temperature, generator)
            sequence = torch.cat([sequence, next_token[:, None]], dim=1)
    return sequence


# Task 1: KVCache.update


def test_kv_cache_update_appends_along_time_and_returns_everything_so_far():
    cache = KVCache(n_layer=2)
    k1, v1 = torch.randn(2, 3, 4, 5), torch.randn(2, 3, 4, 5)
    k_all, v_all = cache.update(1, k1, v1)
    assert_tensor(k_all, k1, call="KVCache(2).update(1, k1, v1)[0] on an empty cache")
    assert_tensor(v_all, v1, call="KVCache(2).update(1, k1, v1)[1] on an empty cache")
    k2, v2 = torch.randn(2, 3, 1, 5), torch.randn(2, 3, 1, 5)
    k_all, v_all = cache.update(1, k2, v2)
    assert_tensor(
        k_all, torch.cat([k1, k2], dim=2), call="update(1, k2, v2)[0] after update(1, k1, v1)"
    )
    assert_tensor(
        v_all, torch.cat([v1, v2], dim=2), call="update(1, k2, v2)[1] after update(1, k1, v1)"
    )
    assert_tensor(cache.keys[1], torch.cat([k1, k2], dim=2), call="cache.keys[1] after two updates")
    assert cache.keys[0] is None, "update(1, ...) changed layer 0's keys; each layer keeps its own"


# Task 2 and 3: the model with and without a cache


def test_model_without_a_cache_equals_causal_attention_written_out():
    model = make_model()
    idx = tokens(2, 9)
    with torch.no_grad():
        result = model(idx)
    assert_tensor(
        result, reference_logits(model, idx), call=f"TinyGPT(...)({describe(idx)})", atol=1e-4
    )


def test_cached_logits_equal_full_recomputation_one_token_at_a_time():
    model = make_model()
    idx = tokens(2, 10, seed=2)
    expected = reference_logits(model, idx)
    cache = KVCache(N_LAYER)
    with torch.no_grad():
        pieces = [model(idx[:, :4], cache)] + [
            model(idx[:, t : t + 1], cache) for t in range(4, 10)
        ]
    result = torch.cat(pieces, dim=1)
    assert_tensor(
        result,
        expected,
        call="model(idx[:, :4], cache), then model(idx[:, t:t+1], cache) for t = 4..9, logits joined",
        atol=1e-4,
    )


def test_cached_logits_equal_full_recomputation_several_new_tokens_at_once():
    model = make_model(seed=1)
    idx = tokens(3, 11, seed=3)
    expected = reference_logits(model, idx)
    cache = KVCache(N_LAYER)
    with torch.no_grad():
        pieces = [model(idx[:, :3], cache), model(idx[:, 3:7], cache), model(idx[:, 7:], cache)]
    result = torch.cat(pieces, dim=1)
    assert_tensor(
        result,
        expected,
        call="model(idx[:, :3], cache), model(idx[:, 3:7], cache), model(idx[:, 7:], cache), joined "
        "(new tokens must see each other causally and every cached one)",
        atol=1e-4,
    )


def test_the_cache_grows_by_one_position_per_step_in_every_layer():
    model = make_model()
    idx = tokens(2, 8, seed=4)
    cache = KVCache(N_LAYER)
    hs = N_EMBD // N_HEAD
    with torch.no_grad():
        model(idx[:, :5], cache)
        for time in range(5, 9):
            for layer in range(N_LAYER):
                for what, stored in (("keys", cache.keys[layer]), ("values", cache.values[layer])):
                    shape = None if stored is None else tuple(stored.shape)
                    assert shape == (2, N_HEAD, time, hs), (
                        f"after feeding {time} tokens, cache.{what}[{layer}] has shape {shape}; "
                        f"expected (B, nh, T, hs) = {(2, N_HEAD, time, hs)}"
                    )
            assert_equal(cache.length, time, call=f"cache.length after feeding {time} tokens")
            if time < 8:
                model(idx[:, time : time + 1], cache)


def test_the_model_refuses_positions_past_its_block_size():
    model = make_model()
    cache = KVCache(N_LAYER)
    with torch.no_grad():
        model(tokens(1, BLOCK - 1), cache)
        model(tokens(1, 1), cache)  # position BLOCK - 1 is the last one there is
        with pytest.raises(ValueError):
            model(tokens(1, 1), cache)


# Task 4: sample_top_k


def test_top_1_is_greedy():
    logits = torch.randn(6, VOCAB, generator=torch.Generator().manual_seed(5))
    result = sample_top_k(logits, 1, generator=torch.Generator().manual_seed(0))
    assert_tensor(result, logits.argmax(dim=-1), call=call("sample_top_k", logits, 1))


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0], ids=["t-0.5", "t-1", "t-2"])
def test_top_k_draws_only_the_top_k_with_softmax_frequencies(temperature):
    row = torch.tensor([2.0, -1.0, 1.0, 0.5, 0.0, -3.0])
    logits = row.expand(4000, 6)
    result = sample_top_k(logits, 3, temperature, generator=torch.Generator().manual_seed(6))
    what = call("sample_top_k", logits, 3, temperature)
    assert_equal(tuple(result.shape), (4000,), call=what + ".shape")
    assert_equal(result.dtype, torch.int64, call=what + ".dtype")
    counts = torch.bincount(result, minlength=6)
    outside = counts[[1, 4, 5]].sum().item()
    assert outside == 0, (
        f"{what} drew tokens outside the top 3 (ids 0, 2, 3): counts {counts.tolist()}"
    )
    expected = torch.zeros(6)
    expected[[0, 2, 3]] = torch.softmax(torch.tensor([2.0, 1.0, 0.5]) / temperature, dim=0)
    assert_tensor(
        counts / 4000,
        expected,
        call=what + ": frequency of each token over 4000 draws",
        atol=0.03,
        rtol=0.0,
    )


def test_sample_top_k_draws_with_its_generator_only():
    logits = torch.randn(50, VOCAB, generator=torch.Generator().manual_seed(7))
    state = torch.get_rng_state()
    first = sample_top_k(logits, 5, generator=torch.Generator().manual_seed(8))
    again = sample_top_k(logits, 5, generator=torch.Generator().manual_seed(8))
    assert torch.equal(torch.get_rng_state(), state), (
        "sample_top_k used the global RNG; draw with `generator`"
    )
    assert_tensor(again, first, call="sample_top_k(logits, 5, generator seeded 8), twice")


# Task 5: generate


@pytest.mark.parametrize("use_cache", [True, False], ids=["with-cache", "without-cache"])
def test_greedy_generation_gives_exactly_the_tokens_of_full_recomputation(use_cache):
    model = make_model(seed=2)
    prompt = tokens(3, 4, seed=9)
    expected = full_recomputation(model, prompt, 12)
    result = generate(model, prompt, 12, use_cache=use_cache)
    assert_tensor(result, expected, call=call("generate", "model", prompt, 12, use_cache=use_cache))


@pytest.mark.parametrize("use_cache", [True, False], ids=["with-cache", "without-cache"])
def test_top_k_generation_with_a_seeded_generator_gives_exactly_the_tokens_of_full_recomputation(
    use_cache,
):
    model = make_model(seed=3)
    prompt = tokens(4, 3, seed=10)
    expected = full_recomputation(
        model, prompt, 15, top_k=4, temperature=1.5, generator=torch.Generator().manual_seed(11)
    )
    result = generate(
        model,
        prompt,
        15,
        top_k=4,
        temperature=1.5,
        generator=torch.Generator().manual_seed(11),
        use_cache=use_cache,
    )
    what = call("generate", "model", prompt, 15, top_k=4, temperature=1.5, use_cache=use_cache)
    assert_tensor(result, expected, call=what + " with a generator seeded 11")


def test_cached_generation_feeds_the_prompt_once_then_one_token_per_step_without_a_graph():
    model = make_model()
    prompt = tokens(2, 5, seed=12)
    recorder = CallRecorder(model)
    generate(model, prompt, 6)
    recorder.handle.remove()
    calls = recorder.calls
    assert calls and calls[0][:2] == ((2, 5), 0), (
        f"the first model call got (tokens shape, cache length) {calls[0][:2] if calls else None}; "
        f"expected the whole prompt with an empty cache: ((2, 5), 0)"
    )
    for step, (shape, length, _) in enumerate(calls[1:]):
        assert (shape, length) == ((2, 1), 5 + step), (
            f"model call {step + 1} got tokens of shape {shape} with a cache of length {length}; "
            f"expected the newest token alone, (2, 1), with a cache of {5 + step} positions "
            f"(all calls: {[c[:2] for c in calls]})"
        )
    assert len(calls) in (6, 7), (
        f"generate(model, prompt, 6) called the model {len(calls)} times; expected 6 (or 7)"
    )
    assert not any(grad for _, _, grad in calls), f"the model ran with grad enabled: {calls}"


def test_generate_leaves_the_prompt_alone_and_keeps_it_in_front():
    model = make_model()
    prompt = tokens(2, 3, seed=13)
    before = prompt.clone()
    result = generate(model, prompt, 4)
    assert_tensor(prompt, before, call="the prompt after generate(model, prompt, 4)")
    assert_equal(tuple(result.shape), (2, 7), call="generate(model, prompt (2, 3), 4).shape")
    assert_tensor(result[:, :3], before, call="generate(model, prompt, 4)[:, :3]")
