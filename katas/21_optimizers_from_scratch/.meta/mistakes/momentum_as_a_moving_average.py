"""Averages the velocity like Adam's m, buf = momentum * buf + (1 - momentum) * g: steps shrink tenfold."""

from solution import *


class SGD(SGD):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad + self.weight_decay * param
            if self.momentum != 0:
                buffer = self.momentum_buffers[index]
                if buffer is None:
                    buffer = torch.zeros_like(direction)
                buffer.mul_(self.momentum).add_(direction, alpha=1 - self.momentum)
                self.momentum_buffers[index] = buffer
                direction = direction + self.momentum * buffer if self.nesterov else buffer
            param.sub_(self.lr * direction)
