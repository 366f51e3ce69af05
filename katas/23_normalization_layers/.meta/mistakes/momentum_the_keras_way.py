"""Uses Keras's momentum convention, running = momentum * running + (1 - momentum) * batch."""

from solution import *


class BatchNorm1d(BatchNorm1d):
    def batch_statistics(self, x):
        dims = [0, *range(2, x.dim())]
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            self.running_mean.lerp_(mean, 1 - self.momentum)
            self.running_var.lerp_(var * count / (count - 1), 1 - self.momentum)
        return mean, var
