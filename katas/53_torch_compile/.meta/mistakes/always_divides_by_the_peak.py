"""Drops the branch by always dividing by the peak: wrong when the peak is below 1."""

from solution import *


class GraphFriendlyBlock(BreakyBlock):
    def forward(self, x, lengths):
        h = self.linear(x)
        real = torch.arange(x.shape[1]) < lengths[:, None]
        h = h * real[..., None]
        return torch.tanh(h / h.abs().amax())
