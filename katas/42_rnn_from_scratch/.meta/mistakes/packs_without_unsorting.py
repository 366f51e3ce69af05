"""Sorts the batch by length to pack it but never puts the results back in the batch's order:
each row's result belongs to another sequence."""

from solution import *


def run_packed(rnn, padded, lengths):
    lengths, order = lengths.sort(descending=True)
    packed = pack_padded_sequence(padded[order], lengths, batch_first=True)
    packed_output, h_n = rnn(packed)
    output, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=padded.shape[1])
    return output, h_n
