"""Adds with out[ids] += values: for an id that repeats, only one of its rows is kept."""

from solution import *


def segment_sum(values, segment_ids, num_segments):
    out = torch.zeros(num_segments, values.shape[1], dtype=values.dtype, device=values.device)
    out[segment_ids] += values
    return out
