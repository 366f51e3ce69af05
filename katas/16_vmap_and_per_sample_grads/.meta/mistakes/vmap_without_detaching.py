"""Hands the model's parameters to torch.func.grad without detaching them: the per-sample
gradients come back as part of a graph that reaches the model's parameters."""

from solution import *


def per_sample_grads_vmap(model, x, y):
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())

    def sample_loss(params, buffers, sample, target):
        logits = torch.func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return F.cross_entropy(logits, target.unsqueeze(0))

    per_sample = torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, None, 0, 0))
    return per_sample(params, buffers, x, y)
