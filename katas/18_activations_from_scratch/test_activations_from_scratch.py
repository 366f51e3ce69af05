import pytest
import torch
import torch.nn.functional as F
from activations_from_scratch import gelu, log_softmax, relu, silu, softmax

from kata_helpers import assert_tensor, call, case_id


def random(*shape, seed=0, scale=3.0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype) * scale


EXTREMES = torch.tensor([-1000.0, -30.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 30.0, 1000.0])
SHAPES = [(7,), (3, 5), (2, 3, 4), (1, 1)]


def gradient_of(fn, x):
    x = x.detach().clone().requires_grad_(True)
    weights = torch.linspace(-1, 1, x.numel(), dtype=x.dtype).reshape(x.shape)
    (fn(x) * weights).sum().backward()  # the gradient of a weighted sum of the outputs
    return x.grad


@pytest.mark.parametrize("shape", SHAPES, ids=[case_id(s) for s in SHAPES])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_relu_equals_torch(shape, dtype):
    x = random(*shape, seed=1, dtype=dtype)
    assert_tensor(relu(x), F.relu(x), call=call("relu", x))


def test_relu_on_extremes_and_its_gradient():
    assert_tensor(relu(EXTREMES), F.relu(EXTREMES), call=call("relu", EXTREMES))
    x = torch.tensor([-2.0, -0.5, 0.5, 2.0])
    assert_tensor(
        gradient_of(relu, x),
        gradient_of(F.relu, x),
        call="the gradient of relu at [-2, -0.5, 0.5, 2]",
    )


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_gelu_equals_torch(approximate, dtype):
    x = random(4, 6, seed=2, dtype=dtype)
    expected = F.gelu(x, approximate=approximate)
    assert_tensor(
        gelu(x, approximate=approximate),
        expected,
        call=call("gelu", x, approximate=approximate),
        rtol=1e-5,
    )


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_on_extremes_and_its_gradient(approximate):
    x = EXTREMES.double()
    expected = F.gelu(x, approximate=approximate)
    assert_tensor(
        gelu(x, approximate=approximate), expected, call=call("gelu", x, approximate=approximate)
    )
    grid = torch.linspace(-4, 4, 17, dtype=torch.float64)
    assert_tensor(
        gradient_of(lambda t: gelu(t, approximate=approximate), grid),
        gradient_of(lambda t: F.gelu(t, approximate=approximate), grid),
        call=f"the gradient of gelu(x, approximate={approximate!r}) on linspace(-4, 4, 17)",
    )


def test_gelu_default_is_the_exact_erf_form():
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    assert_tensor(gelu(x), F.gelu(x), call=call("gelu", x))


@pytest.mark.parametrize("shape", SHAPES, ids=[case_id(s) for s in SHAPES])
def test_silu_equals_torch(shape):
    x = random(*shape, seed=3)
    assert_tensor(silu(x), F.silu(x), call=call("silu", x), rtol=1e-5)


def test_silu_is_stable_on_extremes_gradient_included():
    assert_tensor(silu(EXTREMES), F.silu(EXTREMES), call=call("silu", EXTREMES))
    assert_tensor(
        gradient_of(silu, EXTREMES),
        gradient_of(F.silu, EXTREMES),
        call=f"the gradient of silu at {EXTREMES.tolist()}",
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    ("shape", "dim"),
    [((7,), -1), ((3, 5), 1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((1, 1), -1)],
    ids=["7--1", "3x5-1", "3x5-0", "2x3x4-1", "2x3x4--1", "1x1--1"],
)
def test_softmax_equals_torch_along_any_dim(shape, dim):
    x = random(*shape, seed=4)
    assert_tensor(softmax(x, dim=dim), torch.softmax(x, dim=dim), call=call("softmax", x, dim=dim))


def test_softmax_survives_huge_logits():
    x = torch.tensor([[1000.0, 999.0, 990.0], [-1000.0, -1001.0, -1000.0], [0.0, 1000.0, -1000.0]])
    result = softmax(x, dim=-1)
    assert torch.isfinite(result).all(), (
        f"softmax(x) of logits around ±1000 is not finite: {result.tolist()} (did exp overflow?)"
    )
    assert_tensor(result, torch.softmax(x, dim=-1), call=call("softmax", x, dim=-1))
    assert_tensor(result.sum(-1), torch.ones(3), call="softmax(x, dim=-1).sum(-1)")


@pytest.mark.parametrize("dtype", [torch.float16, torch.float64], ids=["float16", "float64"])
def test_softmax_keeps_the_dtype(dtype):
    x = random(2, 8, seed=5, dtype=torch.float32).to(dtype)
    expected = torch.softmax(x.float(), dim=-1).to(dtype)
    assert_tensor(
        softmax(x, dim=-1), expected, call=call("softmax", x, dim=-1), rtol=2e-3, atol=1e-3
    )


def test_softmax_gradient_equals_torch():
    x = random(3, 4, seed=6, dtype=torch.float64)
    assert_tensor(
        gradient_of(lambda t: softmax(t, dim=-1), x),
        gradient_of(lambda t: torch.softmax(t, -1), x),
        call="the gradient of softmax(x, dim=-1)",
    )


@pytest.mark.parametrize(
    ("shape", "dim"),
    [((7,), -1), ((3, 5), 1), ((3, 5), 0), ((2, 3, 4), 1)],
    ids=["7--1", "3x5-1", "3x5-0", "2x3x4-1"],
)
def test_log_softmax_equals_torch(shape, dim):
    x = random(*shape, seed=7)
    assert_tensor(
        log_softmax(x, dim=dim), torch.log_softmax(x, dim=dim), call=call("log_softmax", x, dim=dim)
    )


def test_log_softmax_stays_finite_where_softmax_underflows():
    # exp(-200) underflows to 0 in float32, so log(softmax) would give -inf; the answer is -200.
    x = torch.tensor([[0.0, -200.0, 5.0], [1000.0, 0.0, -1000.0]])
    result = log_softmax(x, dim=-1)
    assert torch.isfinite(result).all(), (
        f"log_softmax(x) is not finite: {result.tolist()} (log of an underflowed softmax?)"
    )
    assert_tensor(result, torch.log_softmax(x, dim=-1), call=call("log_softmax", x, dim=-1))


def test_log_softmax_gradient_equals_torch_for_large_logits():
    x = torch.tensor([[0.0, -200.0, 5.0, 50.0]], dtype=torch.float64) * 4
    expected = gradient_of(lambda t: torch.log_softmax(t, -1), x)
    assert_tensor(
        gradient_of(lambda t: log_softmax(t, dim=-1), x),
        expected,
        call=f"the gradient of log_softmax at {x.tolist()}",
    )


@pytest.mark.gpu
def test_activations_on_the_accelerator(device):
    x = torch.tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]], device=device)
    assert_tensor(
        softmax(x, dim=-1), torch.softmax(x, dim=-1), call="softmax on the accelerator", rtol=1e-5
    )
    assert_tensor(
        log_softmax(x, dim=-1),
        torch.log_softmax(x, dim=-1),
        call="log_softmax on the accelerator",
        rtol=1e-5,
    )
    assert_tensor(gelu(x), F.gelu(x), call="gelu on the accelerator", rtol=1e-5)
