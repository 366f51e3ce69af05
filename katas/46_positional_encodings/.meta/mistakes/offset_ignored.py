"""Always adds the first T rows of the table, whatever the offset."""

from solution import *


def _forward(self, x, offset=0):
    return x + self.encoding[: x.shape[1]]


SinusoidalPositions.forward = _forward
