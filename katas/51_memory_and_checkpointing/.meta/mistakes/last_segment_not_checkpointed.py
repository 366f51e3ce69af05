"""Uses checkpoint_sequential, which runs its last segment plainly: with one segment nothing is
checkpointed and every activation is saved."""

from solution import *
from torch.utils.checkpoint import checkpoint_sequential


def checkpoint_blocks(blocks, x, every=1):
    segments = -(-len(blocks) // every)
    return checkpoint_sequential(nn.Sequential(*blocks), segments, x, use_reentrant=False)
