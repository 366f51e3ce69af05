"""Splits the gates as input, forget, output, candidate: a common order elsewhere, but
PyTorch stores input, forget, candidate (g), output, so copied weights land on the wrong gates."""

from solution import *


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    input_gate, forget_gate, output_gate, candidate = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(forget_gate) * c + torch.sigmoid(input_gate) * torch.tanh(candidate)
    return torch.sigmoid(output_gate) * torch.tanh(c_next), c_next
