"""Adds bias_ih but forgets bias_hh: nn.RNNCell has two biases, and both are trained."""

from solution import *


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity="tanh"):
    pre_activation = x @ weight_ih.T + bias_ih + h @ weight_hh.T
    return torch.tanh(pre_activation) if nonlinearity == "tanh" else torch.relu(pre_activation)
