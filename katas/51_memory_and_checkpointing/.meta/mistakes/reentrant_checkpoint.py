"""Uses the old reentrant checkpoint: when the input does not require grad (a batch of data),
the segment's output is cut from the graph and the parameters get no gradient."""

from solution import *


def checkpoint_blocks(blocks, x, every=1):
    for start in range(0, len(blocks), every):
        segment = nn.Sequential(*blocks[start : start + every])
        x = checkpoint(segment, x, use_reentrant=True)
    return x
