"""Tracks the biased variance in running_var: PyTorch tracks the unbiased one (n / (n - 1) larger)."""

from solution import *


class BatchNorm1d(BatchNorm1d):
    def batch_statistics(self, x):
        dims = [0, *range(2, x.dim())]
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        with torch.no_grad():
            self.running_mean.lerp_(mean, self.momentum)
            self.running_var.lerp_(var, self.momentum)
        return mean, var
