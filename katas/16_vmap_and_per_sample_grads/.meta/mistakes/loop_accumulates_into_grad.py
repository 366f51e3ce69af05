"""Calls backward per sample and reads .grad without zeroing it: each row adds the ones before."""

from solution import *


def per_sample_grads_loop(model, x, y):
    rows = {name: [] for name, _ in model.named_parameters()}
    for i in range(x.shape[0]):
        F.cross_entropy(model(x[i : i + 1]), y[i : i + 1]).backward()
        for name, p in model.named_parameters():
            rows[name].append(p.grad.clone())
    return {name: torch.stack(r) for name, r in rows.items()}
