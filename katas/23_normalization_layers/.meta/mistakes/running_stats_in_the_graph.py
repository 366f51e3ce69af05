"""Updates the running statistics outside torch.no_grad(), by reassignment: the buffers join
autograd's graph (and keep every batch's graph alive)."""

from solution import *


class BatchNorm1d(BatchNorm1d):
    def batch_statistics(self, x):
        dims = [0, *range(2, x.dim())]
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        count = x.numel() // x.shape[1]
        unbiased_var = var * count / (count - 1)
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * unbiased_var
        return mean, var
