"""Never resets the counter on improvement: scattered bad epochs add up and stop training too early."""

from solution import *


class EarlyStopping(EarlyStopping):
    def step(self, metric):
        self.epoch += 1
        if self.best is None:
            improved = True
        elif self.mode == "min":
            improved = metric < self.best - self.min_delta
        else:
            improved = metric > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch = metric, self.epoch
        else:
            self.counter += 1
        return self.counter >= self.patience
