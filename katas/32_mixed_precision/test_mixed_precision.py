import copy

import pytest
import torch
from mixed_precision import autocast_forward, autocast_loss, bf16_train_step, fp16_scaled_step
from torch import nn
from torch.nn import functional as F

from kata_helpers import assert_tensor, call, describe


def make_model(device="cpu") -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)).to(device)


def make_data(batch: int = 8, device="cpu", seed: int = 1):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(batch, 16, generator=gen)
    targets = torch.randint(0, 4, (batch,), generator=gen)
    return inputs.to(device), targets.to(device)


def assert_float32_parameters(model, what):
    for name, parameter in model.named_parameters():
        assert parameter.dtype == torch.float32, (
            f"after {what}, parameter {name} is {parameter.dtype}: autocast must leave the "
            f"weights in float32 (it casts copies for each operation), do not cast the model"
        )


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bfloat16", "float16"])
@pytest.mark.parametrize("batch", [1, 8])
def test_autocast_forward_computes_in_the_low_precision_dtype(dtype, batch):
    model = make_model()
    inputs, _ = make_data(batch)
    expected = model(inputs).detach()
    output = autocast_forward(model, inputs, dtype)
    assert_tensor(
        output.detach(),
        expected.to(dtype),
        call=call("autocast_forward", "model", inputs, dtype),
        rtol=5e-2,
        atol=5e-2,
    )


@pytest.mark.parametrize(
    ("dtype", "small"),
    [(torch.bfloat16, 2.0**-9), (torch.float16, 2.0**-12)],
    ids=["bfloat16", "float16"],
)
def test_autocast_forward_rounds_the_matmul_inputs_to_the_low_precision_dtype(dtype, small):
    # (1 + small) - 1 in float32 is `small`; with the inputs rounded to `dtype` first (as
    # autocast does before a matmul) 1 + small becomes 1 and the result is 0.
    model = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(1.0)
    inputs = torch.tensor([[1.0 + small, -1.0]])
    output = autocast_forward(model, inputs, dtype)
    assert_tensor(
        output.detach(),
        torch.zeros(1, 1, dtype=dtype),
        call=call("autocast_forward", "nn.Linear(2, 1) with weights [[1, 1]]", inputs, dtype)
        + " (the matmul must run in the low precision dtype under torch.autocast, not in "
        "float32 with the output cast afterwards)",
        atol=0,
        rtol=0,
    )


def test_autocast_forward_leaves_the_parameters_float32_and_unchanged():
    model = make_model()
    before = copy.deepcopy(model)
    inputs, _ = make_data()
    autocast_forward(model, inputs, torch.bfloat16)
    assert_float32_parameters(model, "autocast_forward(model, inputs, torch.bfloat16)")
    for (name, p), q in zip(model.named_parameters(), before.parameters(), strict=True):
        assert_tensor(p.detach(), q.detach(), call=f"parameter {name} after autocast_forward")


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_autocast_loss_is_float32_and_close_to_the_float32_loss(scale):
    model = make_model()
    inputs, targets = make_data(16)
    inputs = inputs * scale  # large logits too
    expected = F.cross_entropy(model(inputs), targets).detach()
    loss = autocast_loss(model, F.cross_entropy, inputs, targets, torch.bfloat16)
    assert_tensor(
        loss.detach(),
        expected,
        call=call("autocast_loss", "model", "cross_entropy", inputs, targets, torch.bfloat16),
        rtol=3e-2,
        atol=1e-3,
    )


def test_autocast_loss_backpropagates_into_float32_gradients():
    model = make_model()
    inputs, targets = make_data()
    loss = autocast_loss(model, F.cross_entropy, inputs, targets, torch.bfloat16)
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, (
        f"autocast_loss returned {describe(loss)}, expected a 0-d tensor that requires grad"
    )
    loss.backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.dtype == torch.float32, (
            f"after autocast_loss(...).backward(), {name}.grad is "
            f"{describe(parameter.grad)}, expected a float32 gradient"
        )


def float32_step(model, optimizer, inputs, targets, max_norm=None):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), targets)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


def assert_same_update(model, reference, start, what, rtol, atol):
    """Compare the updates (after - before), so a missing or wrongly sized step shows."""
    for (name, p), q, s in zip(
        model.named_parameters(), reference.parameters(), start.parameters(), strict=True
    ):
        assert_tensor(
            (p - s).detach(),
            (q - s).detach(),
            call=f"{what}: update of {name}",
            rtol=rtol,
            atol=atol,
        )


def test_bf16_train_step_matches_a_float32_step_closely():
    model, reference = make_model(), make_model()
    start = copy.deepcopy(model)
    inputs, targets = make_data(16)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    expected_loss = float32_step(
        reference, torch.optim.SGD(reference.parameters(), lr=0.5), inputs, targets
    )
    loss = bf16_train_step(model, optimizer, F.cross_entropy, inputs, targets)
    what = "bf16_train_step(model, SGD(lr=0.5), cross_entropy, inputs, targets)"
    assert isinstance(loss, float) and loss == pytest.approx(expected_loss, rel=3e-2), (
        f"{what} returned {describe(loss)}, expected about the float32 loss {expected_loss:.4f}"
    )
    assert_float32_parameters(model, what)
    assert_same_update(model, reference, start, what, rtol=5e-2, atol=3e-3)


def test_bf16_training_learns_a_simple_problem():
    model = make_model()
    inputs, _ = make_data(32)
    targets = inputs[:, :4].argmax(dim=1)  # learnable from the inputs
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = [
        bf16_train_step(model, optimizer, F.cross_entropy, inputs, targets) for _ in range(15)
    ]
    assert losses[-1] < 0.1 * losses[0], (
        f"15 bf16_train_step calls with Adam(lr=0.05) took the loss from {losses[0]:.3f} only to "
        f"{losses[-1]:.3f}, expected it to fall at least tenfold"
    )


def fill_stale_gradients(model):
    for parameter in model.parameters():
        parameter.grad = torch.full_like(parameter, 100.0)


def test_bf16_train_step_clears_gradients_left_from_before():
    model, reference = make_model(), make_model()
    start = copy.deepcopy(model)
    fill_stale_gradients(model)
    inputs, targets = make_data(16)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    float32_step(reference, torch.optim.SGD(reference.parameters(), lr=0.5), inputs, targets)
    bf16_train_step(model, optimizer, F.cross_entropy, inputs, targets)
    what = "bf16_train_step on a model whose .grad held 100s from before (zero them first)"
    assert_same_update(model, reference, start, what, rtol=5e-2, atol=3e-3)


def test_fp16_scaled_step_clears_gradients_left_from_before():
    model, reference = make_model(), make_model()
    start = copy.deepcopy(model)
    fill_stale_gradients(model)
    inputs, targets = make_data(16)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    float32_step(reference, torch.optim.SGD(reference.parameters(), lr=1.0), inputs, targets)
    fp16_scaled_step(model, optimizer, scaler, F.cross_entropy, inputs, targets)
    what = "fp16_scaled_step on a model whose .grad held 100s from before (zero them first)"
    assert_same_update(model, reference, start, what, rtol=2e-2, atol=2e-4)


@pytest.mark.parametrize("max_norm", [None, 0.1])
def test_fp16_scaled_step_matches_a_float32_step(max_norm):
    model, reference = make_model(), make_model()
    start = copy.deepcopy(model)
    inputs, targets = make_data(16)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    expected_loss = float32_step(
        reference, torch.optim.SGD(reference.parameters(), lr=1.0), inputs, targets, max_norm
    )
    what = (
        f"fp16_scaled_step(model, SGD(lr=1), GradScaler(init_scale=1024), ..., max_norm={max_norm})"
    )
    loss = fp16_scaled_step(model, optimizer, scaler, F.cross_entropy, inputs, targets, max_norm)
    assert isinstance(loss, float) and loss == pytest.approx(expected_loss, rel=1e-2), (
        f"{what} returned {describe(loss)}, expected the unscaled loss, about {expected_loss:.4f}"
    )
    assert_float32_parameters(model, what)
    assert_same_update(model, reference, start, what, rtol=2e-2, atol=2e-4)


def test_fp16_scaled_step_skips_the_step_and_lowers_the_scale_on_overflow():
    model = make_model()
    start = copy.deepcopy(model)
    inputs, targets = make_data(16)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**40)  # float16 gradients overflow
    what = "fp16_scaled_step with GradScaler(init_scale=2**40), whose gradients overflow"
    fp16_scaled_step(model, optimizer, scaler, F.cross_entropy, inputs, targets)
    for (name, p), q in zip(model.named_parameters(), start.parameters(), strict=True):
        assert_tensor(p.detach(), q.detach(), call=f"{what}: parameter {name} (step skipped)")
    assert scaler.get_scale() == 2.0**39, (
        f"{what}: the scale is {scaler.get_scale()} afterwards, expected it halved to 2**39 "
        f"by scaler.update()"
    )


@pytest.mark.cuda
def test_fp16_autocast_forward_on_cuda(device):
    model = make_model(device)
    inputs, _ = make_data(8, device)
    expected = model(inputs).detach()
    output = autocast_forward(model, inputs, torch.float16)
    assert_tensor(
        output.detach(),
        expected.half(),
        call=call("autocast_forward", "model", inputs, torch.float16),
        rtol=1e-2,
        atol=1e-2,
    )


@pytest.mark.cuda
@pytest.mark.parametrize("max_norm", [None, 0.1])
def test_fp16_scaled_step_on_cuda_matches_a_float32_step(device, max_norm):
    model, reference = make_model(device), make_model(device)
    start = copy.deepcopy(model)
    inputs, targets = make_data(16, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scaler = torch.amp.GradScaler("cuda", init_scale=1024.0)
    float32_step(
        reference, torch.optim.SGD(reference.parameters(), lr=1.0), inputs, targets, max_norm
    )
    fp16_scaled_step(model, optimizer, scaler, F.cross_entropy, inputs, targets, max_norm)
    what = f"fp16_scaled_step on {device} with max_norm={max_norm}"
    assert_float32_parameters(model, what)
    assert_same_update(model, reference, start, what, rtol=2e-2, atol=2e-4)
