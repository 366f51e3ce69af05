"""Forgets the causal mask: every position attends to later ones, so training learns to copy the
next token and generation falls apart."""

from solution import *


def _forward(self, x, past=None):
    B, T, C = x.shape
    q, k, v = self.qkv(x).split(C, dim=2)
    q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
    if past is not None:
        k = torch.cat([past[0], k], dim=2)
        v = torch.cat([past[1], v], dim=2)
    y = F.scaled_dot_product_attention(q, k, v)
    y = y.transpose(1, 2).reshape(B, T, C)
    return self.dropout(self.proj(y)), (k, v)


CausalSelfAttention.forward = _forward
