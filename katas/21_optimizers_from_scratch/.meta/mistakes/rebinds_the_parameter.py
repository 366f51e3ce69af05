"""Writes `param = param - lr * g`: that binds the loop's name to a new tensor and leaves the
model's parameter as it was."""

from solution import *


class SGD(SGD):
    @torch.no_grad()
    def step(self):
        for param in self.params:
            if param.grad is None:
                continue
            direction = param.grad + self.weight_decay * param
            param = param - self.lr * direction
