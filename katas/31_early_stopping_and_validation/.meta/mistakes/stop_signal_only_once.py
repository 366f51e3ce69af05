"""Returns counter == patience: says stop on one epoch, then goes back to False while the metric keeps getting worse."""

from solution import *


class EarlyStopping(EarlyStopping):
    def step(self, metric):
        super().step(metric)
        return self.counter == self.patience
