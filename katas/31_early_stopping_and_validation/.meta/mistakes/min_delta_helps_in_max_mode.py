"""In max mode compares with best - min_delta: a value barely above (or even below) the best
counts as an improvement, where it must beat the best by more than min_delta."""

from solution import *


class EarlyStopping(EarlyStopping):
    def step(self, metric):
        self.epoch += 1
        if self.best is None:
            improved = True
        elif self.mode == "min":
            improved = metric < self.best - self.min_delta
        else:
            improved = metric > self.best - self.min_delta
        if improved:
            self.best, self.best_epoch = metric, self.epoch
            self.counter = 0
        else:
            self.counter += 1
        return self.counter >= self.patience
