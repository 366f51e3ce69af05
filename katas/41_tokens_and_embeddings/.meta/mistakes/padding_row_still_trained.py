"""Zeroes the padding row at construction but looks rows up plainly: the padding row then gets
a gradient and drifts away from zero as soon as training starts."""

from solution import *


class Embedding(Embedding):
    def forward(self, ids):
        return self.weight[ids]
