import pytest
import torch
import torch.nn.functional as F
from custom_ops import numpy_silu, pairwise_sq_dist

from kata_helpers import assert_tensor, call


def data(*shape, seed=0, dtype=torch.float32, scale=2.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype) * scale


def points(n, m, d, seed=0, dtype=torch.float64):
    return data(n, d, seed=seed, dtype=dtype), data(m, d, seed=seed + 1, dtype=dtype)


def expected_sq_dist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


DTYPES = [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")]


def opcheck(op, args, name):
    """torch.library.opcheck, with a message that names the check that failed."""
    try:
        torch.library.opcheck(op, args)
    except NotImplementedError:
        raise
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise AssertionError(
            f"torch.library.opcheck({name}, ...) failed: {type(error).__name__}: {first}\n"
            f"  test_schema: the kernel must not change or return its inputs; test_faketensor: "
            f"the fake must give the kernel's shape, dtype and device; test_aot_dispatch_dynamic: "
            f"the fake and the backward must work on symbolic sizes."
        ) from None


def gradcheck(op, args, name):
    ok = torch.autograd.gradcheck(op, args, raise_exception=False)
    assert ok, (
        f"torch.autograd.gradcheck({name}, float64 inputs) failed: the registered backward "
        f"does not match finite differences. Multiply the local derivative by grad_output and "
        f"return one gradient per input."
    )


def assert_described(result, shape, dtype, *, call):
    """A meta tensor has no values: compare what the fake promises, shape, dtype and device."""
    actual = (tuple(result.shape), result.dtype, result.device.type)
    assert actual == (shape, dtype, "meta"), (
        f"{call} returned a tensor of shape {actual[0]}, dtype {actual[1]}, device {actual[2]}; "
        f"expected shape {shape}, dtype {dtype}, device meta"
    )


class OpRecorder:
    """A torch.compile backend that records the graph it is given and runs it as is."""

    def __init__(self):
        self.targets = []

    def __call__(self, graph_module, example_inputs):
        self.targets += [str(node.target) for node in graph_module.graph.nodes]
        return graph_module.forward


# Task 1: numpy_silu


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1,), (4, 5), (2, 3, 4)], ids=["1", "4x5", "2x3x4"])
def test_numpy_silu_equals_silu(shape, dtype):
    x = data(*shape, dtype=dtype)
    assert_tensor(numpy_silu(x), F.silu(x), call=call("numpy_silu", x))


def test_numpy_silu_returns_a_new_tensor_and_leaves_its_input_alone():
    x = data(3, 4)
    before = x.clone()
    y = numpy_silu(x)
    assert_tensor(x, before, call="x after numpy_silu(x) (the input must not change)")
    assert y.untyped_storage().data_ptr() != x.untyped_storage().data_ptr(), (
        "numpy_silu(x) returned a tensor that shares memory with x; return a new tensor"
    )


def test_numpy_silu_is_a_custom_operator():
    assert isinstance(numpy_silu, torch.library.CustomOpDef), (
        f"numpy_silu is a {type(numpy_silu).__name__}; keep the @torch.library.custom_op "
        f"decorator, which makes it an operator"
    )
    x = data(3)
    assert_tensor(numpy_silu(x), F.silu(x), call=call("numpy_silu", x))


# Task 2: its fake implementation


def test_numpy_silu_fake_describes_the_output_on_the_meta_device():
    real = numpy_silu(data(2, 3))  # the kernel runs
    assert real.shape == (2, 3)
    x = torch.empty(5, 7, dtype=torch.float64, device="meta")
    result = numpy_silu(x)
    assert_described(result, (5, 7), torch.float64, call=call("numpy_silu", x))


@pytest.mark.parametrize("requires_grad", [False, True], ids=["no-grad", "requires-grad"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_silu_passes_opcheck(dtype, requires_grad):
    x = data(3, 5, dtype=dtype).requires_grad_(requires_grad)
    opcheck(numpy_silu, (x,), "numpy_silu")


# Task 3: its autograd formula


def test_numpy_silu_gradient_passes_gradcheck():
    x = data(4, 3, dtype=torch.float64).requires_grad_()
    gradcheck(numpy_silu, (x,), "numpy_silu")


def test_numpy_silu_gradient_equals_silus_for_a_weighted_loss():
    x = data(6, dtype=torch.float64).requires_grad_()
    weights = data(6, seed=3, dtype=torch.float64)
    (numpy_silu(x) * weights).sum().backward()
    reference = x.detach().clone().requires_grad_()
    (F.silu(reference) * weights).sum().backward()
    assert_tensor(x.grad, reference.grad, call="(numpy_silu(x) * w).sum().backward(); x.grad")


# Task 4: pairwise_sq_dist


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("n", "m", "d"), [(1, 1, 1), (4, 6, 3), (7, 2, 5)], ids=["1x1x1", "4x6x3", "7x2x5"]
)
def test_pairwise_sq_dist_equals_squared_cdist(n, m, d, dtype):
    a, b = points(n, m, d, dtype=dtype)
    assert_tensor(
        pairwise_sq_dist(a, b),
        expected_sq_dist(a, b),
        call=call("pairwise_sq_dist", a, b),
        atol=1e-4 if dtype == torch.float32 else None,
    )


def test_pairwise_sq_dist_is_a_custom_operator_that_leaves_its_inputs_alone():
    assert isinstance(pairwise_sq_dist, torch.library.CustomOpDef), (
        f"pairwise_sq_dist is a {type(pairwise_sq_dist).__name__}; keep the "
        f"@torch.library.custom_op decorator"
    )
    a, b = points(3, 4, 2)
    a_before, b_before = a.clone(), b.clone()
    pairwise_sq_dist(a, b)
    assert_tensor(a, a_before, call="a after pairwise_sq_dist(a, b)")
    assert_tensor(b, b_before, call="b after pairwise_sq_dist(a, b)")


# Task 5: its fake implementation


@pytest.mark.parametrize("dtype", DTYPES)
def test_pairwise_sq_dist_fake_gives_an_n_by_m_output(dtype):
    assert pairwise_sq_dist(*points(2, 3, 4, dtype=dtype)).shape == (2, 3)  # the kernel runs
    a = torch.empty(5, 3, dtype=dtype, device="meta")
    b = torch.empty(8, 3, dtype=dtype, device="meta")
    result = pairwise_sq_dist(a, b)
    assert_described(result, (5, 8), dtype, call=call("pairwise_sq_dist", a, b))


@pytest.mark.parametrize("dtype", DTYPES)
def test_pairwise_sq_dist_passes_opcheck(dtype):
    a, b = points(4, 6, 3, dtype=dtype)
    opcheck(pairwise_sq_dist, (a.requires_grad_(), b.requires_grad_()), "pairwise_sq_dist")


# Task 6: its autograd formula


def test_pairwise_sq_dist_gradients_pass_gradcheck():
    a, b = points(4, 5, 3)
    gradcheck(pairwise_sq_dist, (a.requires_grad_(), b.requires_grad_()), "pairwise_sq_dist")


def test_pairwise_sq_dist_gradients_equal_the_reference_for_each_input():
    a, b = points(3, 5, 2, seed=4)
    a.requires_grad_()
    b.requires_grad_()
    weights = data(3, 5, seed=9, dtype=torch.float64)
    (pairwise_sq_dist(a, b) * weights).sum().backward()
    a_ref, b_ref = a.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    (expected_sq_dist(a_ref, b_ref) * weights).sum().backward()
    assert_tensor(a.grad, a_ref.grad, call="(pairwise_sq_dist(a, b) * w).sum().backward(); a.grad")
    assert_tensor(b.grad, b_ref.grad, call="(pairwise_sq_dist(a, b) * w).sum().backward(); b.grad")


# Both operators under torch.compile(fullgraph=True)


def score(a, b):
    return numpy_silu(-pairwise_sq_dist(a, b)).sum(dim=1)


def test_the_operators_compile_into_one_graph_as_opaque_nodes():
    torch._dynamo.reset()
    recorder = OpRecorder()
    compiled = torch.compile(score, fullgraph=True, backend=recorder)
    a, b = points(4, 6, 3)
    try:
        result = compiled(a, b)
    except NotImplementedError:
        raise
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise AssertionError(
            f"torch.compile(fullgraph=True) could not trace a function using the operators: "
            f"{type(error).__name__}: {first}\n  (the fake implementations run while tracing)"
        ) from None
    assert_tensor(result, score(a, b), call="the compiled numpy_silu(-pairwise_sq_dist(a, b))")
    names = [t for t in recorder.targets if "numpy_silu" in t or "pairwise_sq_dist" in t]
    assert len(names) == 2, (
        f"the compiled graph holds {names or 'no operator'}: expected each custom operator "
        f"once, as one node (the graph's targets: {recorder.targets})"
    )


def test_compiled_training_gives_the_eager_gradients():
    torch._dynamo.reset()
    compiled = torch.compile(score, fullgraph=True, backend="aot_eager")
    a, b = points(5, 3, 2, seed=6)
    a.requires_grad_()
    b.requires_grad_()
    compiled(a, b).sum().backward()
    a_ref, b_ref = a.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    score(a_ref, b_ref).sum().backward()
    assert_tensor(a.grad, a_ref.grad, call="compiled score(a, b).sum().backward(); a.grad")
    assert_tensor(b.grad, b_ref.grad, call="compiled score(a, b).sum().backward(); b.grad")


# On an accelerator: the kernel computes on a CPU copy and returns on the input's device.


@pytest.mark.gpu
def test_the_operators_return_on_the_inputs_device(device):
    x = data(3, 4).to(device)
    assert_tensor(numpy_silu(x), F.silu(x), call=call("numpy_silu", x), atol=1e-5)
    a, b = (t.to(device) for t in points(3, 4, 2))
    assert_tensor(
        pairwise_sq_dist(a, b), expected_sq_dist(a, b), call=call("pairwise_sq_dist", a, b)
    )
