"""Generates with autograd recording: right tokens, but every step keeps its activations
alive for a backward pass that never comes."""

from solution import *


def generate(
    model, prompt, max_new_tokens, *, top_k=None, temperature=1.0, generator=None, use_cache=True
):
    tokens = prompt
    cache = KVCache(model.n_layer) if use_cache else None
    logits = model(tokens, cache)
    for step in range(max_new_tokens):
        last = logits[:, -1, :].detach()
        if top_k is None:
            next_token = last.argmax(dim=-1)
        else:
            next_token = sample_top_k(last, top_k, temperature, generator)
        tokens = torch.cat([tokens, next_token[:, None]], dim=1)
        if step < max_new_tokens - 1:
            logits = model(next_token[:, None], cache) if use_cache else model(tokens)
    return tokens
