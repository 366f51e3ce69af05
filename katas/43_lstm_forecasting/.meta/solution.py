"""Kata 43: LSTM forecasting.

Fill in every function below; `katas/43_lstm_forecasting/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/43_lstm_forecasting
"""

import torch
import torch.nn.functional as F
from torch import nn


def lstm_cell(
    x: torch.Tensor,
    state: tuple[torch.Tensor, torch.Tensor],
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor,
    bias_hh: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 1. One step of an LSTM, equal to nn.LSTMCell with these weights.

    x: (B, I). state: (h, c), each (B, H).
    weight_ih: (4H, I), weight_hh: (4H, H), bias_ih: (4H,), bias_hh: (4H,), laid out as in
    nn.LSTMCell: the rows hold the input gate, the forget gate, the cell candidate and the
    output gate, in that order (H rows each).
    Returns (h', c'), each (B, H):
      c' = forget * c + input * candidate,   h' = output * tanh(c'),
    with sigmoid gates and a tanh candidate.
    """
    # BEGIN SOLUTION: Task 1: one product gives all four gates; split, squash, then update c
    h, c = state
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh  # (B, 4H)
    input_gate, forget_gate, candidate, output_gate = gates.chunk(4, dim=1)  # 4 x (B, H)
    c_next = torch.sigmoid(forget_gate) * c + torch.sigmoid(input_gate) * torch.tanh(candidate)
    h_next = torch.sigmoid(output_gate) * torch.tanh(c_next)
    return h_next, c_next
    # END SOLUTION


def make_windows(series: torch.Tensor, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 2. Cut a 1-D series into (past window, next value) training pairs.

    series: (N,) float. window: the number of past values each input holds, 1 <= window < N.
    Returns (inputs, targets): inputs (N - window, window) with inputs[k] = series[k : k + window];
    targets (N - window,) with targets[k] = series[k + window], the value right after it.
    """
    # BEGIN SOLUTION: Task 2: slide a window of the given size, stopping before the last value
    inputs = series[:-1].unfold(0, window, 1)  # (N - 1,) -> (N - window, window)
    targets = series[window:]  # (N - window,)
    return inputs, targets
    # END SOLUTION


class LSTMForecaster(nn.Module):
    """Task 3. Reads a window of past values and predicts the next one.

    LSTMForecaster(hidden_size=32, num_layers=1) holds `lstm`, an
    nn.LSTM(1, hidden_size, num_layers, batch_first=True), and `head`, an
    nn.Linear(hidden_size, 1).
    forward(windows): (B, T) -> (B,): the LSTM reads each window, one value per step, and the
    head maps the top layer's output at the last step to the prediction.
    """

    def __init__(self, hidden_size: int = 32, num_layers: int = 1):
        super().__init__()
        # BEGIN SOLUTION: Task 3: one value per step in, one prediction out
        self.lstm = nn.LSTM(1, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)
        # END SOLUTION

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 3: a feature dimension of 1 in, the last step's output to the head
        output, _ = self.lstm(windows.unsqueeze(-1))  # (B, T) -> (B, T, 1) -> (B, T, H)
        return self.head(output[:, -1]).squeeze(-1)  # (B, H) -> (B, 1) -> (B,)
        # END SOLUTION


def train_forecaster(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    steps: int,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
) -> list[float]:
    """Task 4. Train `model` to predict targets from inputs with Adam on the mean squared error.

    inputs: (N, T), targets: (N,). Each of the `steps` steps draws a batch of `batch_size`
    random rows (indices from a torch.Generator seeded with `seed`, so the same seed gives the
    same run), takes one Adam(lr) step, and records the batch's loss.
    Returns the `steps` losses, as Python floats, in order. The model is trained in place and
    left in training mode.
    """
    # BEGIN SOLUTION: Task 4: draw a batch, zero the gradients, loss, backward, step
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randint(0, len(inputs), (batch_size,), generator=generator)
        loss = F.mse_loss(model(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    # END SOLUTION


def forecast(model: nn.Module, context: torch.Tensor, horizon: int) -> torch.Tensor:
    """Task 5. Forecast `horizon` values ahead, feeding each prediction back as an input.

    context: (T,) the last T known values. Returns (horizon,): the first value is
    model(context), each later one is the model's prediction for the window of the last T
    values, predictions included. Runs in eval mode without building a graph, and leaves the
    model in the mode it found it (training or eval).
    """
    # BEGIN SOLUTION: Task 5: predict one step, slide the window over the prediction, repeat
    was_training = model.training
    model.eval()
    window = context.clone()  # (T,)
    predictions = []
    with torch.no_grad():
        for _ in range(horizon):
            next_value = model(window.unsqueeze(0))  # (1, T) -> (1,)
            predictions.append(next_value)
            window = torch.cat([window[1:], next_value])  # drop the oldest, append the newest
    model.train(was_training)
    return torch.cat(predictions)  # horizon x (1,) -> (horizon,)
    # END SOLUTION
