"""Feeds the LSTM's output at step 0 to the head: it has seen one value of the window, not
the whole window."""

from solution import *


class LSTMForecaster(LSTMForecaster):
    def forward(self, windows):
        output, _ = self.lstm(windows.unsqueeze(-1))
        return self.head(output[:, 0]).squeeze(-1)
