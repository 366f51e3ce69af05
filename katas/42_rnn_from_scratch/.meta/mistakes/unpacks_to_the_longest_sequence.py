"""Unpacks without total_length: the output is only as long as the longest sequence, not as
the padded input, so it no longer lines up with the batch it came from."""

from solution import *


def run_packed(rnn, padded, lengths):
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    packed_output, h_n = rnn(packed)
    output, _ = pad_packed_sequence(packed_output, batch_first=True)
    return output, h_n
