"""Takes the peak before zeroing the padding: large padding values decide the divisor."""

from solution import *


class GraphFriendlyBlock(BreakyBlock):
    def forward(self, x, lengths):
        h = self.linear(x)
        peak = h.abs().amax()
        real = torch.arange(x.shape[1]) < lengths[:, None]
        h = h * real[..., None]
        return torch.tanh(h / peak.clamp(min=1.0))
