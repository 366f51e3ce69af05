"""Keeps position `length` too (<= instead of <): one padding position leaks into each row."""

from solution import *


class GraphFriendlyBlock(BreakyBlock):
    def forward(self, x, lengths):
        h = self.linear(x)
        real = torch.arange(x.shape[1]) <= lengths[:, None]
        h = h * real[..., None]
        return torch.tanh(h / h.abs().amax().clamp(min=1.0))
