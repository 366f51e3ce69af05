"""Always treats lower as better, so an accuracy that rises is never an improvement."""

from solution import *


class EarlyStopping(EarlyStopping):
    def step(self, metric):
        self.epoch += 1
        if self.best is None or metric < self.best - self.min_delta:
            self.best, self.best_epoch, self.counter = metric, self.epoch, 0
        else:
            self.counter += 1
        return self.counter >= self.patience
