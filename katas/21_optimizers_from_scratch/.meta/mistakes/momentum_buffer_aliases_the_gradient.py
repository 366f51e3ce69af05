"""Starts the momentum buffer as the gradient tensor itself (no copy): the next step's
buf.mul_(momentum).add_(g) writes into a .grad the caller may still hold."""

from solution import *


class SGD(SGD):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            direction = param.grad
            if self.weight_decay:
                direction = direction + self.weight_decay * param
            if self.momentum != 0:
                buffer = self.momentum_buffers[index]
                if buffer is None:
                    buffer = direction
                else:
                    buffer.mul_(self.momentum).add_(direction)
                self.momentum_buffers[index] = buffer
                direction = direction + self.momentum * buffer if self.nesterov else buffer
            param.sub_(self.lr * direction)
