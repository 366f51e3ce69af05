"""Feeds h0 to the cell at every step instead of the state the previous step produced: the
network forgets everything but the current input."""

from solution import *


class ElmanRNN(ElmanRNN):
    def forward(self, x, h0=None):
        batch, steps, _ = x.shape
        if h0 is None:
            h0 = x.new_zeros(self.num_layers, batch, self.hidden_size)
        layer_input, final_states = x, []
        for layer in range(self.num_layers):
            weights = [
                getattr(self, f"{name}_l{layer}")
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            outputs = [
                rnn_cell(layer_input[:, t], h0[layer], *weights, nonlinearity=self.nonlinearity)
                for t in range(steps)
            ]
            layer_input = torch.stack(outputs, dim=1)
            final_states.append(outputs[-1])
        return layer_input, torch.stack(final_states)
