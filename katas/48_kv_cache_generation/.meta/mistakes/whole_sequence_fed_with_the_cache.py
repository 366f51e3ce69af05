"""Keeps feeding the whole sequence while also using the cache: the cache grows by the whole
sequence each step and the model sees every token several times."""

from solution import *


def generate(
    model, prompt, max_new_tokens, *, top_k=None, temperature=1.0, generator=None, use_cache=True
):
    tokens = prompt
    cache = KVCache(model.n_layer) if use_cache else None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            if cache is not None and cache.length + tokens.shape[1] > model.block_size:
                cache = KVCache(model.n_layer)
            last = model(tokens, cache)[:, -1, :]
            if top_k is None:
                next_token = last.argmax(dim=-1)
            else:
                next_token = sample_top_k(last, top_k, temperature, generator)
            tokens = torch.cat([tokens, next_token[:, None]], dim=1)
    return tokens
