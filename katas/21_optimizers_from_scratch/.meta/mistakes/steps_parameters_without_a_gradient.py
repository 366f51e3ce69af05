"""Treats a missing gradient as zero, so weight decay still shrinks parameters that got no gradient."""

from solution import *


class SGD(SGD):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            grad = param.grad if param.grad is not None else torch.zeros_like(param)
            direction = grad + self.weight_decay * param
            if self.momentum != 0:
                buffer = self.momentum_buffers[index]
                if buffer is None:
                    buffer = direction.clone()
                else:
                    buffer.mul_(self.momentum).add_(direction)
                self.momentum_buffers[index] = buffer
                direction = direction + self.momentum * buffer if self.nesterov else buffer
            param.sub_(self.lr * direction)
