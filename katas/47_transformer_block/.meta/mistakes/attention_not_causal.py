"""Forgets the causal mask: every position sees the future, so the model can copy the next
token instead of predicting it."""

from solution import *


def _forward(self, x):
    batch, time, channels = x.shape
    q, k, v = self.qkv(x).split(channels, dim=2)
    head_size = channels // self.n_head
    q = q.view(batch, time, self.n_head, head_size).transpose(1, 2)
    k = k.view(batch, time, self.n_head, head_size).transpose(1, 2)
    v = v.view(batch, time, self.n_head, head_size).transpose(1, 2)
    y = F.scaled_dot_product_attention(q, k, v)
    return self.proj(y.transpose(1, 2).reshape(batch, time, channels))


CausalSelfAttention.forward = _forward
