import pytest
import torch
from memory_and_checkpointing import checkpoint_blocks, residual_relu, saved_tensor_bytes
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call, describe


def data(*shape, seed=0, dtype=torch.float32, requires_grad=False):
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    return x.requires_grad_(requires_grad)


def reference_saved_bytes(fn, *inputs):
    """The tests' own count of what autograd saves (the same definition as task 1)."""
    total = 0

    def pack(tensor):
        nonlocal total
        total += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        output = fn(*inputs)
    return output, total


# Task 1: measure what autograd saves


@pytest.mark.parametrize(
    ("expression", "fn", "dtype", "expected"),
    [
        pytest.param("(x * x).sum()", lambda x: (x * x).sum(), torch.float32, 8000, id="x-times-x"),
        pytest.param("x.exp().sum()", lambda x: x.exp().sum(), torch.float32, 4000, id="exp"),
        pytest.param("x.exp().sum()", lambda x: x.exp().sum(), torch.float64, 8000, id="exp-f64"),
        pytest.param("(x * 2).sum()", lambda x: (x * 2).sum(), torch.float32, 0, id="x-times-2"),
    ],
)
def test_saved_tensor_bytes_counts_every_saved_tensor(expression, fn, dtype, expected):
    x = data(1000, dtype=dtype, requires_grad=True)
    result = saved_tensor_bytes(fn, x)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise AssertionError(
            f"saved_tensor_bytes(lambda x: {expression}, x) returned {describe(result)}, "
            f"expected a pair (output, nbytes)"
        )
    assert_equal(
        result[1],
        expected,
        call=f"saved_tensor_bytes(lambda x: {expression}, x of 1000 {dtype})[1]",
    )


def test_saved_tensor_bytes_counts_a_saved_view_by_its_own_elements():
    base = data(1000, seed=1, requires_grad=True)
    _, nbytes = saved_tensor_bytes(lambda b: (b[:10] * b[:10]).sum(), base)
    assert_equal(
        nbytes,
        80,
        call="saved_tensor_bytes(lambda b: (b[:10] * b[:10]).sum(), 1000 float32)[1] "
        "(two views of 10 elements, not the 1000-element storage under them)",
    )


def test_saved_tensor_bytes_agrees_with_an_independent_count_on_a_model():
    model = nn.Sequential(nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 4), nn.Softmax(dim=1))
    x = data(8, 16, seed=2)
    _, expected = reference_saved_bytes(model, x)
    _, nbytes = saved_tensor_bytes(model, x)
    assert_equal(nbytes, expected, call="saved_tensor_bytes(model, x)[1] for an MLP")


def test_saved_tensor_bytes_returns_an_output_that_still_backpropagates():
    x = data(5, seed=3, dtype=torch.float64, requires_grad=True)
    output, _ = saved_tensor_bytes(lambda t: (t * t.exp()).sum(), x)
    assert_tensor(
        output.detach(),
        (x * x.exp()).sum().detach(),
        call="saved_tensor_bytes(lambda t: (t * t.exp()).sum(), x)[0]",
    )
    output.backward()
    expected = (1 + x.detach()) * x.detach().exp()
    assert_tensor(x.grad, expected, call="x.grad after backward through the measured output")


# Task 2: in place, but not where autograd needs the value


def reference_residual_relu(x, linear):
    return torch.relu(linear(x)) + x


def linear_and_copy(width=6, seed=4):
    torch.manual_seed(seed)
    linear = nn.Linear(width, width).double()
    copy = nn.Linear(width, width).double()
    copy.load_state_dict(linear.state_dict())
    return linear, copy


def test_residual_relu_backpropagates_to_the_input_and_the_parameters():
    linear, reference = linear_and_copy()
    x = data(5, 6, seed=5, dtype=torch.float64, requires_grad=True)
    x_reference = x.detach().clone().requires_grad_()
    try:
        result = residual_relu(x, linear)
        result.sum().backward()
    except RuntimeError as error:
        if "inplace" not in str(error):
            raise
        raise AssertionError(
            f"residual_relu(x, linear).sum().backward() failed: {error}\n  an in-place operation "
            f"overwrote a tensor autograd saved for the backward pass; make a new tensor there"
        ) from error
    expected = reference_residual_relu(x_reference, reference)
    expected.sum().backward()
    where = "residual_relu(x, linear)"
    assert_tensor(result, expected, call=where)
    assert_tensor(x.grad, x_reference.grad, call=f"{where}.sum().backward(); x.grad")
    assert_tensor(
        linear.weight.grad, reference.weight.grad, call=f"{where}.sum().backward(); weight.grad"
    )
    assert_tensor(
        linear.bias.grad, reference.bias.grad, call=f"{where}.sum().backward(); bias.grad"
    )


def test_residual_relu_leaves_the_callers_input_unchanged():
    linear, reference = linear_and_copy(seed=6)
    x = data(4, 6, seed=7, dtype=torch.float64)
    before = x.clone()
    result = residual_relu(x, linear)
    assert_tensor(result, reference_residual_relu(before, reference), call=call("residual_relu", x))
    assert_tensor(x, before, call="the caller's x after residual_relu(x, linear)")
    result.sum().backward()
    if linear.weight.grad is None:
        raise AssertionError("residual_relu(x, linear).sum().backward() left weight.grad None")


# Task 3: checkpointing


def make_blocks(count=4, width=16, dropout=0.2, seed=8):
    torch.manual_seed(seed)
    return nn.ModuleList(
        nn.Sequential(
            nn.Linear(width, 2 * width), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * width, width)
        )
        for _ in range(count)
    ).train()


def plain_blocks(blocks, x):
    for block in blocks:
        x = block(x)
    return x


def gradients_of(run, blocks, x, seed=9):
    """Run with a fixed seed (dropout draws the same masks), backward, collect the gradients."""
    blocks.zero_grad(set_to_none=True)
    torch.manual_seed(seed)
    output = run(blocks, x)
    output.square().sum().backward()
    grads = {name: p.grad for name, p in blocks.named_parameters()}
    return output.detach(), grads


@pytest.mark.parametrize("every", [1, 2, 3], ids=["every-block", "pairs", "uneven-segments"])
def test_checkpoint_blocks_gives_the_plain_output_and_gradients_with_dropout(every):
    blocks = make_blocks()
    x = data(6, 16, seed=10, requires_grad=True)
    expected, expected_grads = gradients_of(plain_blocks, blocks, x)
    expected_x_grad, x.grad = x.grad, None
    result, grads = gradients_of(lambda b, t: checkpoint_blocks(b, t, every=every), blocks, x)
    where = f"checkpoint_blocks(blocks, x, every={every})"
    assert_tensor(result, expected, call=where, atol=1e-5)
    assert_tensor(x.grad, expected_x_grad, call=f"{where}: x.grad", atol=1e-5)
    for name, grad in grads.items():
        if grad is None:
            raise AssertionError(f"{where}: after backward, {name}.grad is None")
        assert_tensor(grad, expected_grads[name], call=f"{where}: {name}.grad", atol=1e-5)


def test_checkpoint_blocks_trains_the_parameters_when_the_input_needs_no_gradient():
    blocks = make_blocks(count=2, dropout=0.0, seed=11)
    x = data(6, 16, seed=12)  # a batch of data: requires_grad is False
    _, expected_grads = gradients_of(plain_blocks, blocks, x)
    _, grads = gradients_of(checkpoint_blocks, blocks, x)
    for name, grad in grads.items():
        if grad is None:
            raise AssertionError(
                f"checkpoint_blocks(blocks, x) with x.requires_grad=False: {name}.grad is None "
                f"after backward; the reentrant checkpoint only connects the graph through "
                f"inputs that require grad (use_reentrant=False does not have that problem)"
            )
        assert_tensor(grad, expected_grads[name], call=f"checkpoint_blocks: {name}.grad", atol=1e-5)


@pytest.mark.parametrize(
    ("every", "segments"), [(1, 4), (2, 2), (4, 1)], ids=["4-segments", "2-segments", "1-segment"]
)
def test_checkpoint_blocks_saves_only_each_segments_input(every, segments):
    blocks = make_blocks()
    x = data(8, 16, seed=13, requires_grad=True)
    _, plain = reference_saved_bytes(plain_blocks, blocks, x)
    output, saved = reference_saved_bytes(
        lambda b, t: checkpoint_blocks(b, t, every=every), blocks, x
    )
    limit = segments * x.numel() * x.element_size()
    if saved > limit:
        raise AssertionError(
            f"checkpoint_blocks(4 blocks, x of {tuple(x.shape)}, every={every}) made autograd "
            f"save {saved} bytes, expected at most {limit} ({segments} segment inputs of "
            f"{x.numel() * x.element_size()} bytes; the plain forward saves {plain}).\n"
            f"  checkpoint every segment, the last one included"
        )
    output.sum().backward()  # the graph must still work after the measurement
