"""Projects the values from `key` instead of `value`: self-attention and key-is-value
cross-attention cannot tell, but attention over distinct keys and values can."""

from solution import *


class MultiHeadAttention(MultiHeadAttention):
    def forward(self, query, key, value, *args, **kwargs):
        return super().forward(query, key, key, *args, **kwargs)
