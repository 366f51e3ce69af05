"""Kata 42: an RNN from scratch.

Fill in every function below; `katas/42_rnn_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/42_rnn_from_scratch
"""

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def rnn_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor,
    bias_hh: torch.Tensor,
    nonlinearity: str = "tanh",
) -> torch.Tensor:
    """Task 1. One step of an Elman RNN: the new hidden state from the input and the old state.

    x: (B, I) the inputs at this step. h: (B, H) the previous hidden state.
    weight_ih: (H, I), weight_hh: (H, H), bias_ih: (H,), bias_hh: (H,), laid out as in
    nn.RNNCell. nonlinearity: "tanh" or "relu".
    Returns (B, H): act(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh), equal to
    nn.RNNCell(I, H, nonlinearity=...) with these weights.
    """
    # BEGIN SOLUTION: Task 1: mix the input and the previous state, then squash
    pre_activation = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh  # (B, H)
    if nonlinearity == "tanh":
        return torch.tanh(pre_activation)
    if nonlinearity == "relu":
        return torch.relu(pre_activation)
    raise ValueError(f"unknown nonlinearity {nonlinearity!r}")
    # END SOLUTION


class ElmanRNN(nn.Module):
    """Task 2. A multi-layer Elman RNN, batch first, equal to nn.RNN(batch_first=True).

    ElmanRNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh") holds, for each layer
    k = 0, 1, ..., the parameters nn.RNN has, under the same names and shapes:
    weight_ih_l{k} (H, I for layer 0, else H), weight_hh_l{k} (H, H), bias_ih_l{k} (H,),
    bias_hh_l{k} (H,), each drawn from U(-1/sqrt(H), 1/sqrt(H)) like nn.RNN's, so that
    load_state_dict(nn_rnn.state_dict()) copies an nn.RNN's weights in.
    forward(x, h0=None): x (B, T, I); h0 (num_layers, B, H), zeros when None.
    Returns (output, h_n): output (B, T, H), the last layer's hidden state at every step;
    h_n (num_layers, B, H), every layer's hidden state after the last step.
    """

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh"
    ):
        super().__init__()
        # BEGIN SOLUTION: Task 2: four parameters per layer, named exactly like nn.RNN's
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.nonlinearity = nonlinearity
        bound = 1 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size
            shapes = {
                "weight_ih": (hidden_size, layer_input),
                "weight_hh": (hidden_size, hidden_size),
                "bias_ih": (hidden_size,),
                "bias_hh": (hidden_size,),
            }
            for name, shape in shapes.items():
                value = torch.empty(shape).uniform_(-bound, bound)
                self.register_parameter(f"{name}_l{layer}", nn.Parameter(value))
        # END SOLUTION

    def forward(
        self, x: torch.Tensor, h0: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # BEGIN SOLUTION: Task 2: run the cell along time; each layer reads the one below
        batch, steps, _ = x.shape
        if h0 is None:
            h0 = x.new_zeros(self.num_layers, batch, self.hidden_size)
        layer_input = x  # (B, T, I)
        final_states = []
        for layer in range(self.num_layers):
            weights = [
                getattr(self, f"{name}_l{layer}")
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            h = h0[layer]  # (B, H)
            outputs = []
            for t in range(steps):
                h = rnn_cell(layer_input[:, t], h, *weights, nonlinearity=self.nonlinearity)
                outputs.append(h)
            layer_input = torch.stack(outputs, dim=1)  # T x (B, H) -> (B, T, H)
            final_states.append(h)
        return layer_input, torch.stack(final_states)  # (B, T, H), (L, B, H)
        # END SOLUTION


def run_packed(
    rnn: nn.Module, padded: torch.Tensor, lengths: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 3. Run a batch of padded sequences through a recurrent layer, padding skipped.

    rnn: an nn.RNN or nn.GRU built with batch_first=True.
    padded: (B, T, I), sequence b is padded[b, :lengths[b]]; what lies after it is padding.
    lengths: (B,) int64 on the CPU, each in [1, T], in any order.
    Returns (output, h_n) in the batch's own order: output (B, T, H) with each sequence's
    outputs at its steps and zeros after its length; h_n (num_layers, B, H) with each
    sequence's hidden state after its own last step, equal to running it alone, unpadded.
    """
    # BEGIN SOLUTION: Task 3: pack so the recurrence stops at each length, then unpack
    total_length = padded.shape[1]
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    packed_output, h_n = rnn(packed)  # h_n comes back in the batch's original order
    output, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=total_length)
    return output, h_n  # (B, T, H), (L, B, H)
    # END SOLUTION


def last_step_outputs(output: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Task 4. Each sequence's output at its own last step.

    output: (B, T, H), padded outputs. lengths: (B,) int64, each in [1, T].
    Returns (B, H): row b is output[b, lengths[b] - 1]. For a one-layer RNN run packed, this
    is the final hidden state h_n[0].
    """
    # BEGIN SOLUTION: Task 4: the last real step of row b is at lengths[b] - 1
    batch = torch.arange(output.shape[0], device=output.device)  # (B,)
    last = lengths.to(output.device) - 1  # (B,)
    return output[batch, last]  # (B, T, H) -> (B, H)
    # END SOLUTION
