"""Takes the first k of argsort: argsort sorts ascending, so these are the k smallest."""

from solution import *


def top_k_classes(scores, k):
    return scores.argsort(dim=1)[:, :k]
