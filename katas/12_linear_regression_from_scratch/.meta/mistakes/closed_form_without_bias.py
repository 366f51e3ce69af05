"""Solves least squares on the features alone: no column of ones, so the line must pass through 0."""

from solution import *


def fit_closed_form(features, targets):
    weight = torch.linalg.lstsq(features, targets.unsqueeze(1)).solution.squeeze(1)
    return weight, torch.zeros((), dtype=features.dtype)
