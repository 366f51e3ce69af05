"""The module always drops, ignoring self.training: predictions stay random after eval()."""

from solution import *


class Dropout(Dropout):
    def forward(self, x):
        return dropout(x, self.p, training=True)
