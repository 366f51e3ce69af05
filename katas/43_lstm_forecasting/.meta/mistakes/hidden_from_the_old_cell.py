"""Computes h' from the old cell state c instead of the updated c': the output lags one
step behind the memory."""

from solution import *


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    input_gate, forget_gate, candidate, output_gate = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(forget_gate) * c + torch.sigmoid(input_gate) * torch.tanh(candidate)
    return torch.sigmoid(output_gate) * torch.tanh(c), c_next
