"""Returns the last layer's final state as h_n: with two layers nn.RNN returns one final state
per layer, (num_layers, B, H), and the first layer's is lost."""

from solution import *


class ElmanRNN(ElmanRNN):
    def forward(self, x, h0=None):
        output, h_n = super().forward(x, h0)
        return output, h_n[-1:]
