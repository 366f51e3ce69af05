"""Gathers along dim 0 instead of the class dimension: picks scores[targets[i], 0]."""

from solution import *


def pick_scores(scores, targets):
    return scores.gather(0, targets.unsqueeze(1)).squeeze(1)
