"""Turns off preserve_rng_state to save time: the recomputed dropout draws new masks, so the
gradients belong to a different forward pass than the output."""

from solution import *


def checkpoint_blocks(blocks, x, every=1):
    for start in range(0, len(blocks), every):
        segment = nn.Sequential(*blocks[start : start + every])
        x = checkpoint(segment, x, use_reentrant=False, preserve_rng_state=False)
    return x
