"""Reports the padded length for every sequence, so the true lengths are lost after padding."""

from solution import *


def pad_collate(batch):
    sequences, labels = zip(*batch, strict=True)
    padded = pad_sequence(list(sequences), batch_first=True)
    lengths = torch.full((len(sequences),), padded.shape[1])
    return padded, lengths, torch.stack(labels)
