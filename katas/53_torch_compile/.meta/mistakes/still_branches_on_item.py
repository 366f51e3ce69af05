"""Vectorises the padding but keeps the Python `if` on `.item()`: one graph break remains."""

from solution import *


class GraphFriendlyBlock(BreakyBlock):
    def forward(self, x, lengths):
        h = self.linear(x)
        real = torch.arange(x.shape[1]) < lengths[:, None]
        h = h * real[..., None]
        peak = h.abs().amax()
        if peak.item() > 1.0:
            h = h / peak
        return torch.tanh(h)
