"""Uses is_causal=True whenever several tokens are new: SDPA's causal mask is aligned to the
top-left corner, so with a cache the new tokens lose sight of most cached positions (right
only when the cache is empty or one token is new)."""

from solution import *


def _forward(self, x, cache=None, layer=0):
    batch, time, channels = x.shape
    head_size = channels // self.n_head
    q, k, v = self.qkv(x).split(channels, dim=2)
    q = q.view(batch, time, self.n_head, head_size).transpose(1, 2)
    k = k.view(batch, time, self.n_head, head_size).transpose(1, 2)
    v = v.view(batch, time, self.n_head, head_size).transpose(1, 2)
    if cache is not None:
        k, v = cache.update(layer, k, v)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=time > 1)
    return self.proj(y.transpose(1, 2).reshape(batch, time, channels))


CachedSelfAttention.forward = _forward
