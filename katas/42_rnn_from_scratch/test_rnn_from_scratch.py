import math

import pytest
import torch
from rnn_from_scratch import ElmanRNN, last_step_outputs, rnn_cell, run_packed
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call, describe


def data(*shape, seed=0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def cell_weights(cell):
    return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]


NONLINEARITIES = [pytest.param("tanh", id="tanh"), pytest.param("relu", id="relu")]


# Task 1: one step


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_rnn_cell_equals_nn_rnncell_with_the_same_weights(nonlinearity):
    cell = nn.RNNCell(3, 5, nonlinearity=nonlinearity)
    x, h = data(4, 3, seed=1), data(4, 5, seed=2)
    expected = cell(x, h).detach()
    weights = [w.detach() for w in cell_weights(cell)]
    result = rnn_cell(x, h, *weights, nonlinearity=nonlinearity)
    assert_tensor(
        result,
        expected,
        call=call("rnn_cell", x, h, *weights, nonlinearity=nonlinearity),
        atol=1e-6,
    )


def test_rnn_cell_uses_both_biases_and_the_previous_state():
    cell = nn.RNNCell(2, 3)
    with torch.no_grad():
        cell.bias_ih.copy_(torch.tensor([0.5, -0.25, 0.125]))
        cell.bias_hh.copy_(torch.tensor([-0.3, 0.2, 0.4]))
    x, h = data(2, 2, seed=3), data(2, 3, seed=4) * 2
    weights = [w.detach() for w in cell_weights(cell)]
    result = rnn_cell(x, h, *weights)
    assert_tensor(result, cell(x, h).detach(), call=call("rnn_cell", x, h, *weights), atol=1e-6)


def test_rnn_cell_gradients_equal_nn_rnncell_gradients():
    cell = nn.RNNCell(3, 4).double()
    x = data(2, 3, seed=5, dtype=torch.float64).requires_grad_()
    h = data(2, 4, seed=6, dtype=torch.float64).requires_grad_()
    weights = [w.detach().clone().requires_grad_() for w in cell_weights(cell)]
    upstream = data(2, 4, seed=7, dtype=torch.float64)
    (rnn_cell(x, h, *weights) * upstream).sum().backward()
    got = [x.grad, h.grad, *(w.grad for w in weights)]
    x.grad = h.grad = None
    (cell(x, h) * upstream).sum().backward()
    expected = [x.grad, h.grad, *(w.grad for w in cell_weights(cell))]
    names = ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, g, e in zip(names, got, expected, strict=True):
        assert_tensor(g, e, call=f"(rnn_cell(x, h, ...) * upstream).sum().backward(); {name}.grad")


# Task 2: the multi-layer RNN


@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_elman_rnn_has_the_parameters_of_nn_rnn(num_layers):
    reference = nn.RNN(3, 5, num_layers=num_layers, batch_first=True)
    rnn = ElmanRNN(3, 5, num_layers=num_layers)
    expected = {name: tuple(p.shape) for name, p in reference.named_parameters()}
    got = {name: tuple(p.shape) for name, p in rnn.named_parameters()}
    assert_equal(got, expected, call=f"ElmanRNN(3, 5, num_layers={num_layers}).named_parameters()")
    rnn.load_state_dict(reference.state_dict())  # strict: every name must match


def test_every_elman_rnn_parameter_biases_included_starts_uniform_like_nn_rnn():
    torch.manual_seed(0)
    hidden = 256  # every parameter, the biases too, holds at least 256 draws
    rnn = ElmanRNN(20, hidden, num_layers=2)
    made = f"ElmanRNN(20, {hidden}, num_layers=2)"
    bound = 1 / math.sqrt(hidden)
    expected_std = bound / math.sqrt(3)  # the std of U(-bound, bound)
    names = [name for name, _ in nn.RNN(20, hidden, num_layers=2).named_parameters()]
    parameters = dict(rnn.named_parameters())
    for name in names:
        values = parameters[name].detach()
        largest, mean, std = values.abs().max().item(), values.mean().item(), values.std().item()
        assert largest <= bound, (
            f"{made}.{name} must lie in [-1/sqrt(H), 1/sqrt(H)] = [-{bound:.4f}, {bound:.4f}] "
            f"like nn.RNN's; its largest |value| is {largest:.4f}"
        )
        # With 256 or more draws both tolerances are 8 standard errors wide or more.
        assert abs(mean) < 0.5 * expected_std and abs(std - expected_std) < 0.25 * expected_std, (
            f"{made}.{name} has mean {mean:.4f} and std {std:.4f}; nn.RNN draws every "
            f"parameter, biases included, from U(-{bound:.4f}, {bound:.4f}): mean 0, "
            f"std {expected_std:.4f}"
        )


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_elman_rnn_equals_nn_rnn_with_copied_weights(num_layers, nonlinearity):
    reference = nn.RNN(3, 5, num_layers=num_layers, nonlinearity=nonlinearity, batch_first=True)
    rnn = ElmanRNN(3, 5, num_layers=num_layers, nonlinearity=nonlinearity)
    rnn.load_state_dict(reference.state_dict())
    x = data(2, 6, 3, seed=8)
    expected_output, expected_h_n = reference(x)
    output, h_n = rnn(x)
    made = (
        f"ElmanRNN(3, 5, num_layers={num_layers}, nonlinearity={nonlinearity!r}) "
        f"with nn.RNN's weights"
    )
    assert_tensor(output, expected_output.detach(), call=f"{made}(x)[0] (output)", atol=1e-5)
    assert_tensor(h_n, expected_h_n.detach(), call=f"{made}(x)[1] (h_n)", atol=1e-5)


@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_elman_rnn_starts_from_a_given_h0(num_layers):
    reference = nn.RNN(4, 3, num_layers=num_layers, batch_first=True)
    rnn = ElmanRNN(4, 3, num_layers=num_layers)
    rnn.load_state_dict(reference.state_dict())
    x, h0 = data(3, 5, 4, seed=9), data(num_layers, 3, 3, seed=10)
    expected_output, expected_h_n = reference(x, h0)
    output, h_n = rnn(x, h0)
    made = f"ElmanRNN(4, 3, num_layers={num_layers})"
    assert_tensor(output, expected_output.detach(), call=f"{made}(x, h0)[0]", atol=1e-5)
    assert_tensor(h_n, expected_h_n.detach(), call=f"{made}(x, h0)[1]", atol=1e-5)


def test_elman_rnn_gradients_equal_nn_rnn_gradients():
    reference = nn.RNN(3, 4, num_layers=2, batch_first=True).double()
    rnn = ElmanRNN(3, 4, num_layers=2).double()
    rnn.load_state_dict(reference.state_dict())
    x = data(2, 5, 3, seed=11, dtype=torch.float64)
    up_output, up_h_n = (
        data(2, 5, 4, seed=12, dtype=torch.float64),
        data(2, 2, 4, seed=13, dtype=torch.float64),
    )
    for module in (rnn, reference):
        output, h_n = module(x)
        ((output * up_output).sum() + (h_n * up_h_n).sum()).backward()
    expected = dict(reference.named_parameters())
    for name, p in rnn.named_parameters():
        assert_tensor(
            p.grad,
            expected[name].grad,
            call=f"ElmanRNN(3, 4, num_layers=2)(x), backward through output and h_n: {name}.grad",
        )


def test_elman_rnn_output_at_step_t_depends_only_on_the_steps_up_to_t():
    rnn = ElmanRNN(2, 3, num_layers=2)
    x = data(1, 6, 2, seed=14)
    changed = x.clone()
    changed[:, 4:] += 10.0
    before, after = rnn(x)[0].detach(), rnn(changed)[0].detach()
    assert_tensor(
        after[:, :4],
        before[:, :4],
        call="ElmanRNN output at steps 0..3 after changing steps 4 and 5",
    )


# Task 3: packed sequences


LENGTHS = [
    pytest.param([5, 3, 1, 4], id="unsorted"),
    pytest.param([6, 6, 2], id="some-full-length"),
    pytest.param([1, 2, 3, 4, 5], id="increasing"),
]


def padded_batch(lengths, steps, features, seed):
    """A padded batch whose padding holds large junk, so running over it shows."""
    x = data(len(lengths), steps, features, seed=seed)
    for b, length in enumerate(lengths):
        x[b, length:] = 50.0 + 10 * data(steps - length, features, seed=seed + b + 1)
    return x


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("kind", [pytest.param(nn.RNN, id="rnn"), pytest.param(nn.GRU, id="gru")])
@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_each_final_hidden_state_equals_running_the_sequence_alone(lengths, kind, num_layers):
    rnn = kind(3, 4, num_layers=num_layers, batch_first=True)
    steps = max(lengths) + 1
    padded = padded_batch(lengths, steps, 3, seed=15)
    lengths_tensor = torch.tensor(lengths)
    output, h_n = run_packed(rnn, padded, lengths_tensor)
    made = (
        f"run_packed({kind.__name__}(3, 4, num_layers={num_layers}, batch_first=True), "
        f"{describe(padded)}, lengths={lengths})"
    )
    assert_equal(tuple(h_n.shape), (num_layers, len(lengths), 4), call=f"{made}[1].shape")
    for b, length in enumerate(lengths):
        alone_output, alone_h_n = rnn(padded[b : b + 1, :length])
        assert_tensor(
            h_n[:, b],
            alone_h_n[:, 0].detach(),
            call=f"{made}[1][:, {b}] (sequence {b}, length {length}) vs running it alone",
            atol=1e-5,
        )
        assert_tensor(
            output[b, :length],
            alone_output[0].detach(),
            call=f"{made}[0][{b}, :{length}] vs running sequence {b} alone",
            atol=1e-5,
        )


@pytest.mark.parametrize("lengths", LENGTHS)
def test_packed_output_keeps_the_padded_length_and_is_zero_after_each_sequence(lengths):
    rnn = nn.RNN(3, 4, batch_first=True)
    steps = max(lengths) + 2  # longer than every sequence: the output must keep this length
    padded = padded_batch(lengths, steps, 3, seed=16)
    output, _ = run_packed(rnn, padded, torch.tensor(lengths))
    made = f"run_packed(nn.RNN(3, 4), padded of shape {tuple(padded.shape)}, lengths={lengths})[0]"
    assert_equal(tuple(output.shape), (len(lengths), steps, 4), call=f"{made}.shape")
    for b, length in enumerate(lengths):
        assert_tensor(
            output[b, length:].detach(),
            torch.zeros(steps - length, 4),
            call=f"{made}[{b}, {length}:] (after the end of sequence {b})",
        )


def test_gradients_do_not_reach_the_padding():
    rnn = nn.GRU(2, 3, batch_first=True)
    lengths = [2, 4, 1]
    padded = padded_batch(lengths, 4, 2, seed=17).requires_grad_()
    output, h_n = run_packed(rnn, padded, torch.tensor(lengths))
    (output.sum() + h_n.sum()).backward()
    for b, length in enumerate(lengths):
        assert_tensor(
            padded.grad[b, length:],
            torch.zeros(4 - length, 2),
            call=f"run_packed(...) backward: padded.grad[{b}, {length}:] (padding of sequence {b})",
        )
    assert bool((padded.grad[0, :2] != 0).any()), "the real steps must receive a gradient"


# Task 4: the output at each sequence's last step


def test_last_step_outputs_picks_each_row_at_its_length_minus_one():
    output = torch.arange(2 * 4 * 3, dtype=torch.float32).reshape(2, 4, 3)
    lengths = torch.tensor([2, 4])
    expected = torch.stack([output[0, 1], output[1, 3]])
    assert_tensor(
        last_step_outputs(output, lengths),
        expected,
        call=call("last_step_outputs", output, lengths),
    )


@pytest.mark.parametrize("lengths", LENGTHS)
def test_last_step_outputs_of_a_packed_one_layer_rnn_equal_its_final_hidden_state(lengths):
    rnn = nn.RNN(3, 4, batch_first=True)
    steps = max(lengths) + 1
    padded = padded_batch(lengths, steps, 3, seed=18)
    lengths_tensor = torch.tensor(lengths)
    output, h_n = run_packed(rnn, padded, lengths_tensor)
    assert_tensor(
        last_step_outputs(output, lengths_tensor),
        h_n[0],
        call=f"last_step_outputs(run_packed(rnn, padded, {lengths})[0], lengths)",
        atol=1e-6,
    )


def test_last_step_outputs_passes_the_gradient_to_the_chosen_steps_only():
    output = data(3, 5, 2, seed=19).requires_grad_()
    lengths = torch.tensor([5, 1, 3])
    last_step_outputs(output, lengths).sum().backward()
    expected = torch.zeros(3, 5, 2)
    expected[0, 4] = expected[1, 0] = expected[2, 2] = 1.0
    assert_tensor(
        output.grad,
        expected,
        call="last_step_outputs(output, [5, 1, 3]).sum().backward(); output.grad",
    )
