"""Adds the weight decay after the momentum buffer, so the buffer never sees it (unlike torch.optim.SGD)."""

from solution import *


class SGD(SGD):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad.clone()
            if self.momentum != 0:
                buffer = self.momentum_buffers[index]
                if buffer is None:
                    buffer = direction.clone()
                else:
                    buffer.mul_(self.momentum).add_(direction)
                self.momentum_buffers[index] = buffer
                direction = direction + self.momentum * buffer if self.nesterov else buffer
            param.sub_(self.lr * (direction + self.weight_decay * param))
