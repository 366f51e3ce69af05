import pytest
import torch
import torch.nn.functional as F
from lstm_forecasting import LSTMForecaster, forecast, lstm_cell, make_windows, train_forecaster
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call

# The task of tasks 4 and 5: continue a sum of two sines from its last WINDOW values.
WINDOW = 16
STEPS = 200  # the training budget the README states
TARGET_MSE = 0.005  # on held-out windows; repeating the last value scores about 0.106


@pytest.fixture(autouse=True)
def _one_thread():
    """A 16-unit LSTM gains nothing from threads, and on a busy machine they cost seconds."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def data(*shape, seed=0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def two_sines(n, start=0):
    t = torch.arange(start, start + n, dtype=torch.float32)
    return torch.sin(0.3 * t) + 0.5 * torch.sin(0.7 * t + 1.0)


def windows_of(series):
    """The expected (inputs, targets), written as a plain loop."""
    inputs = torch.stack([series[k : k + WINDOW] for k in range(len(series) - WINDOW)])
    return inputs, series[WINDOW:].clone()


class ReferenceForecaster(nn.Module):
    """The test's own model, so that task 4 is graded apart from task 3."""

    def __init__(self, hidden_size=16):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)
        self.calls = []

    def forward(self, windows):
        self.calls.append((self.training, torch.is_grad_enabled()))
        output, _ = self.lstm(windows.unsqueeze(-1))
        return self.head(output[:, -1]).squeeze(-1)


class LinearForecaster(nn.Module):
    """A linear autoregression of exactly `window` past values, recording its calls."""

    def __init__(self, window):
        super().__init__()
        self.linear = nn.Linear(window, 1)
        self.calls = []

    def forward(self, windows):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.linear(windows).squeeze(-1)


def held_out_mse(model):
    inputs, targets = windows_of(two_sines(200, start=400))
    with torch.no_grad():
        return F.mse_loss(model(inputs), targets).item()


# Task 1: the LSTM cell


def cell_weights(cell):
    return [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]


@pytest.mark.parametrize(
    ("input_size", "hidden_size"),
    [
        pytest.param(3, 5, id="3-in-5-hidden"),
        pytest.param(4, 4, id="square"),
        pytest.param(1, 2, id="1-in-2-hidden"),
    ],
)
def test_lstm_cell_equals_nn_lstmcell_with_the_same_weights(input_size, hidden_size):
    cell = nn.LSTMCell(input_size, hidden_size)
    x = data(3, input_size, seed=1)
    h, c = data(3, hidden_size, seed=2), data(3, hidden_size, seed=3)
    expected_h, expected_c = (t.detach() for t in cell(x, (h, c)))
    weights = [w.detach() for w in cell_weights(cell)]
    h_next, c_next = lstm_cell(x, (h, c), *weights)
    made = call("lstm_cell", x, (h, c), *weights)
    assert_tensor(h_next, expected_h, call=f"{made}[0] (h')", atol=1e-6)
    assert_tensor(c_next, expected_c, call=f"{made}[1] (c')", atol=1e-6)


def test_each_gate_sits_where_pytorch_puts_it():
    # Biases that saturate one gate at a time: rows [0:H] input, [H:2H] forget,
    # [2H:3H] candidate, [3H:4H] output.
    hidden = 2
    x, h, c = torch.zeros(1, 1), torch.zeros(1, hidden), torch.full((1, hidden), 0.5)
    weights = [torch.zeros(4 * hidden, 1), torch.zeros(4 * hidden, hidden)]
    big = 30.0
    bias = torch.tensor([big, big, -big, -big, big, big, big, big])  # i=1, f=0, g=1, o=1
    h_next, c_next = lstm_cell(x, (h, c), *weights, bias, torch.zeros(4 * hidden))
    made = "lstm_cell with the input gate open, the forget gate shut, candidate 1, output open"
    assert_tensor(c_next, torch.ones(1, hidden), call=f"{made}: c'")
    assert_tensor(h_next, torch.tanh(torch.ones(1, hidden)), call=f"{made}: h'")
    bias = torch.tensor([-big, -big, big, big, big, big, -big, -big])  # i=0, f=1, o=0
    h_next, c_next = lstm_cell(x, (h, c), *weights, bias, torch.zeros(4 * hidden))
    made = "lstm_cell with the input gate shut, the forget gate open, the output gate shut"
    assert_tensor(c_next, c, call=f"{made}: c' (the old cell, kept)")
    assert_tensor(h_next, torch.zeros(1, hidden), call=f"{made}: h'")


def test_lstm_cell_gradients_equal_nn_lstmcell_gradients():
    cell = nn.LSTMCell(3, 4).double()
    x = data(2, 3, seed=4, dtype=torch.float64).requires_grad_()
    h = data(2, 4, seed=5, dtype=torch.float64).requires_grad_()
    c = data(2, 4, seed=6, dtype=torch.float64).requires_grad_()
    weights = [w.detach().clone().requires_grad_() for w in cell_weights(cell)]
    up_h, up_c = data(2, 4, seed=7, dtype=torch.float64), data(2, 4, seed=8, dtype=torch.float64)
    h_next, c_next = lstm_cell(x, (h, c), *weights)
    ((h_next * up_h).sum() + (c_next * up_c).sum()).backward()
    got = [x.grad, h.grad, c.grad, *(w.grad for w in weights)]
    x.grad = h.grad = c.grad = None
    h_ref, c_ref = cell(x, (h, c))
    ((h_ref * up_h).sum() + (c_ref * up_c).sum()).backward()
    expected = [x.grad, h.grad, c.grad, *(w.grad for w in cell_weights(cell))]
    names = ["x", "h", "c", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, g, e in zip(names, got, expected, strict=True):
        assert_tensor(g, e, call=f"lstm_cell(x, (h, c), ...) then backward: {name}.grad")


def test_unrolled_lstm_cell_equals_nn_lstm():
    lstm = nn.LSTM(2, 3, batch_first=True)
    x = data(2, 5, 2, seed=9)
    expected_output, (_, expected_c) = lstm(x)
    weights = [
        w.detach() for w in (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0)
    ]
    state = (torch.zeros(2, 3), torch.zeros(2, 3))
    outputs = []
    for t in range(5):
        state = lstm_cell(x[:, t], state, *weights)
        outputs.append(state[0])
    made = "lstm_cell applied along the 5 steps of x with nn.LSTM's weights"
    assert_tensor(
        torch.stack(outputs, 1), expected_output.detach(), call=f"{made}: the h's", atol=1e-6
    )
    assert_tensor(state[1], expected_c[0].detach(), call=f"{made}: the last c", atol=1e-6)


# Task 2: windows


@pytest.mark.parametrize(
    ("n", "window"),
    [
        pytest.param(10, 3, id="10-values-window-3"),
        pytest.param(5, 4, id="one-pair"),
        pytest.param(6, 1, id="window-1"),
    ],
)
def test_make_windows_pairs_each_window_with_the_value_after_it(n, window):
    series = torch.arange(n, dtype=torch.float32) * 1.5
    inputs, targets = make_windows(series, window)
    expected_inputs = torch.stack([series[k : k + window] for k in range(n - window)])
    made = call("make_windows", series, window)
    assert_tensor(inputs, expected_inputs, call=f"{made}[0] (inputs)")
    assert_tensor(targets, series[window:], call=f"{made}[1] (targets)")


def test_make_windows_of_the_two_sines():
    series = two_sines(100)
    inputs, targets = make_windows(series, WINDOW)
    expected_inputs, expected_targets = windows_of(series)
    assert_tensor(inputs, expected_inputs, call=f"make_windows(two_sines(100), {WINDOW})[0]")
    assert_tensor(targets, expected_targets, call=f"make_windows(two_sines(100), {WINDOW})[1]")


# Task 3: the model


@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_forecaster_holds_an_lstm_and_a_linear_head(num_layers):
    model = LSTMForecaster(hidden_size=8, num_layers=num_layers)
    made = f"LSTMForecaster(hidden_size=8, num_layers={num_layers})"
    assert isinstance(model.lstm, nn.LSTM), f"{made}.lstm must be an nn.LSTM"
    assert isinstance(model.head, nn.Linear), f"{made}.head must be an nn.Linear"
    got = (
        model.lstm.input_size,
        model.lstm.hidden_size,
        model.lstm.num_layers,
        model.lstm.batch_first,
    )
    assert_equal(
        got,
        (1, 8, num_layers, True),
        call=f"{made}.lstm's (input_size, hidden_size, num_layers, batch_first)",
    )
    assert_equal(
        (model.head.in_features, model.head.out_features), (8, 1), call=f"{made}.head's (in, out)"
    )


@pytest.mark.parametrize(
    "num_layers", [pytest.param(1, id="1-layer"), pytest.param(2, id="2-layers")]
)
def test_forecaster_predicts_from_the_top_layer_at_the_last_step(num_layers):
    model = LSTMForecaster(hidden_size=6, num_layers=num_layers)
    windows = data(4, 7, seed=10)
    _, (h_n, _) = model.lstm(windows.unsqueeze(-1))
    expected = model.head(h_n[-1]).squeeze(-1).detach()
    assert_tensor(
        model(windows),
        expected,
        call=call(f"LSTMForecaster(hidden_size=6, num_layers={num_layers})", windows),
        atol=1e-6,
    )


def test_forecaster_reads_every_step_of_the_window():
    model = LSTMForecaster(hidden_size=6)
    windows = data(3, 5, seed=11)
    changed = windows.clone()
    changed[:, 0] += 1.0
    difference = (model(changed) - model(windows)).abs().min().item()
    assert difference > 0, "changing the first value of each window must change the prediction"


# Task 4: training


@pytest.mark.parametrize("seed", [pytest.param(0, id="seed-0"), pytest.param(1, id="seed-1")])
def test_training_reaches_the_target_error_within_the_step_budget(seed):
    torch.manual_seed(seed)
    model = ReferenceForecaster(hidden_size=16)
    inputs, targets = windows_of(two_sines(400))
    before = held_out_mse(model)
    losses = train_forecaster(model, inputs, targets, steps=STEPS, seed=seed)
    assert (
        isinstance(losses, list)
        and len(losses) == STEPS
        and all(isinstance(x, float) for x in losses)
    ), (
        f"train_forecaster(model, inputs, targets, steps={STEPS}, seed={seed}) must return "
        f"{STEPS} Python floats, got {type(losses).__name__} of length {len(losses)}"
    )
    after = held_out_mse(model)
    assert after < TARGET_MSE, (
        f"train_forecaster(model, inputs, targets, steps={STEPS}, seed={seed}) left a held-out "
        f"MSE of {after:.4f} (it was {before:.4f} before training); the target is below "
        f"{TARGET_MSE}. Last batch losses: {[round(x, 4) for x in losses[-3:]]}"
    )
    assert model.training, "train_forecaster must leave the model in training mode"
    assert all(mode for mode, _ in model.calls), "every training forward must run in training mode"


def test_a_model_handed_over_in_eval_mode_is_trained_and_left_in_training_mode():
    torch.manual_seed(0)
    model = ReferenceForecaster(hidden_size=4).eval()  # e.g. just evaluated on held-out data
    inputs, targets = windows_of(two_sines(60))
    train_forecaster(model, inputs, targets, steps=3, batch_size=8)
    modes = [mode for mode, _ in model.calls]
    made = "train_forecaster(model in eval mode, inputs, targets, steps=3, batch_size=8)"
    assert modes == [True] * 3, (
        f"{made}: every training forward must run in training mode (dropout and batch norm "
        f"behave differently in eval mode); model.training at each forward was {modes}, "
        f"expected [True, True, True]"
    )
    assert model.training, (
        f"{made} left model.training == False; the docstring promises the model is left in "
        f"training mode"
    )


def test_lstm_forecaster_trained_by_train_forecaster_reaches_the_target():
    torch.manual_seed(2)
    model = LSTMForecaster(hidden_size=16)
    inputs, targets = make_windows(two_sines(400), WINDOW)
    train_forecaster(model, inputs, targets, steps=STEPS, seed=2)
    after = held_out_mse(model)
    assert after < TARGET_MSE, (
        f"LSTMForecaster(hidden_size=16) after train_forecaster(..., steps={STEPS}, seed=2) has a "
        f"held-out MSE of {after:.4f}; the target is below {TARGET_MSE}"
    )


def test_training_with_the_same_seed_repeats_the_same_run():
    inputs, targets = windows_of(two_sines(120))
    runs = []
    for _ in range(2):
        torch.manual_seed(7)
        model = ReferenceForecaster(hidden_size=4)
        torch.manual_seed(len(runs))  # the global generator differs between the runs
        runs.append(train_forecaster(model, inputs, targets, steps=5, batch_size=8, seed=11))
    assert runs[0] == runs[1], (
        "train_forecaster(..., seed=11) twice from the same model gave different losses; draw "
        f"the batches from a torch.Generator seeded with `seed`:\n  {runs[0]}\n  {runs[1]}"
    )
    torch.manual_seed(7)
    other = train_forecaster(
        ReferenceForecaster(hidden_size=4), inputs, targets, steps=5, batch_size=8, seed=12
    )
    assert other != runs[0], "seed=12 gave the same batches as seed=11"


def test_each_recorded_loss_is_the_batch_loss_before_its_step():
    torch.manual_seed(0)
    model = ReferenceForecaster(hidden_size=4)
    inputs, targets = windows_of(two_sines(60))
    inputs, targets = inputs[:1].repeat(10, 1), targets[:1].repeat(10)  # every row the same
    with torch.no_grad():
        first = F.mse_loss(model(inputs[:2]), targets[:2]).item()
    losses = train_forecaster(model, inputs, targets, steps=3, batch_size=2, lr=0.05, seed=0)
    assert abs(losses[0] - first) < 1e-6, (
        f"train_forecaster's first recorded loss is {losses[0]:.6f}; the batch's loss before the "
        f"first step is {first:.6f}"
    )
    assert losses[2] < losses[0], (
        f"three Adam steps on one repeated pair must lower its loss: {losses}"
    )


# Task 5: forecasting


def test_forecast_feeds_each_prediction_back_into_the_window():
    torch.manual_seed(0)
    model = LinearForecaster(WINDOW)
    context = two_sines(WINDOW)
    with torch.no_grad():
        window, expected = context.clone(), []
        for _ in range(6):
            value = model(window.unsqueeze(0))
            expected.append(value)
            window = torch.cat([window[1:], value])
    model.calls.clear()
    result = forecast(model, context, horizon=6)
    assert_tensor(
        result, torch.cat(expected), call=call("forecast", model, context, horizon=6), atol=1e-6
    )


@pytest.mark.parametrize(
    "training", [pytest.param(True, id="from-train-mode"), pytest.param(False, id="from-eval-mode")]
)
def test_forecast_runs_in_eval_mode_without_a_graph_and_restores_the_mode(training):
    model = LinearForecaster(8)
    model.train(training)
    context = two_sines(8).requires_grad_()
    result = forecast(model, context, horizon=3)
    assert_equal(tuple(result.shape), (3,), call="forecast(model, context, horizon=3).shape")
    assert_equal(
        model.calls,
        [(False, False)] * 3,
        call="(model.training, torch.is_grad_enabled()) at each forward of forecast(...)",
    )
    assert not result.requires_grad, (
        "forecast(...) must not build a graph: its result requires grad"
    )
    assert_equal(
        model.training, training, call=f"model.training after forecast (it was {training})"
    )
    assert context.grad is None and context.shape == (8,), "forecast must leave the context alone"
