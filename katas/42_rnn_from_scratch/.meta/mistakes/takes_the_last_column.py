"""Takes output[:, -1] as every sequence's last output: for a shorter sequence that step is
padding (zeros after packing), not its last real step."""

from solution import *


def last_step_outputs(output, lengths):
    return output[:, -1]
