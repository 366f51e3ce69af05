"""Normalises with the batch's statistics in eval mode too: a sample's output depends on its batch."""

from solution import *


class BatchNorm1d(BatchNorm1d):
    def forward(self, x):
        dims = [0, *range(2, x.dim())]
        if self.training:
            mean, var = self.batch_statistics(x)
        else:
            mean, var = x.mean(dim=dims), x.var(dim=dims, unbiased=False)
        shape = [1, -1] + [1] * (x.dim() - 2)
        x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + self.eps)
        return x_hat * self.weight.view(shape) + self.bias.view(shape)
