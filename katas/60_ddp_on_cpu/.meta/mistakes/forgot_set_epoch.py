"""Never tells the sampler the epoch: every epoch replays the first epoch's order."""

from solution import *


def start_epoch(loader, epoch):
    pass
