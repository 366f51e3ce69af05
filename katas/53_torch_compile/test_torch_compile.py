import shutil

import pytest
import torch
import torch._dynamo
from torch import nn
from torch_compile import (
    BreakyBlock,
    GraphCounter,
    GraphFriendlyBlock,
    compile_model,
    count_graph_breaks,
)

from kata_helpers import assert_equal, assert_tensor, call


@pytest.fixture(autouse=True)
def _fresh_dynamo():
    """Every test starts and ends with Dynamo's caches empty, so tests pass in any order."""
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def one_piece(x):
    return torch.sin(x) * 2 + 1  # 3 operations, no break


def two_pieces(x):
    y = torch.sin(x) + 1  # 2 operations
    torch._dynamo.graph_break()
    return torch.cos(y) * 2 - y  # 3 operations


def three_pieces(x):
    y = x.exp()  # 1
    torch._dynamo.graph_break()
    y = y.sqrt()  # 1
    torch._dynamo.graph_break()
    return y.neg()  # 1


def branch_on_data(x):
    y = x * 3
    if y.sum() > 0:  # Python needs the value: Dynamo stops the graph here
        return y.cos()
    return y.sin()


PIECES = [
    pytest.param(one_piece, [3], id="no-break"),
    pytest.param(two_pieces, [2, 3], id="one-break"),
    pytest.param(three_pieces, [1, 1, 1], id="two-breaks"),
]


def padded_batch(scale: float, lengths: list[int], dtype=torch.float32):
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(len(lengths), 5, 8, generator=generator, dtype=dtype) * scale  # (B, T, C)
    return x, torch.tensor(lengths)


# Task 1: a counting backend


def test_graph_counter_records_the_graph_and_its_operations_and_runs_it_unchanged():
    graph_module = torch.fx.symbolic_trace(one_piece)
    counter = GraphCounter()
    x = torch.linspace(-2, 2, 7)
    runnable = counter(graph_module, [x])
    assert_tensor(
        runnable(x), one_piece(x), call="GraphCounter()(torch.fx.symbolic_trace(f), [x])(x)"
    )
    assert len(counter.graphs) == 1 and counter.graphs[0] is graph_module, (
        f"after one call, GraphCounter.graphs should be [the GraphModule it was given], got "
        f"{counter.graphs!r}"
    )
    assert_equal(counter.op_counts, [3], call="GraphCounter.op_counts for sin(x) * 2 + 1")


@pytest.mark.parametrize(("fn", "op_counts"), PIECES)
def test_graph_counter_under_torch_compile_sees_one_graph_per_piece(fn, op_counts):
    counter = GraphCounter()
    x = torch.linspace(0.5, 2, 6)
    result = torch.compile(fn, backend=counter)(x)
    assert_tensor(result, fn(x), call=f"torch.compile({fn.__name__}, backend=GraphCounter())(x)")
    assert_equal(
        len(counter.graphs), len(op_counts), call=f"len(GraphCounter.graphs) for {fn.__name__}"
    )
    assert all(isinstance(g, torch.fx.GraphModule) for g in counter.graphs), (
        f"GraphCounter.graphs should hold torch.fx.GraphModule objects, got {counter.graphs!r}"
    )
    assert_equal(counter.op_counts, op_counts, call=f"GraphCounter.op_counts for {fn.__name__}")


def test_graph_counter_finds_the_three_pieces_of_breaky_block():
    block = BreakyBlock()
    x, lengths = padded_batch(3.0, [5, 2, 0])
    counter = GraphCounter()
    with torch.no_grad():
        result = torch.compile(block, backend=counter)(x, lengths)
        expected = block(x, lengths)
    assert_tensor(result, expected, call="torch.compile(BreakyBlock(), backend=GraphCounter())")
    assert_equal(
        len(counter.graphs),
        3,
        call="len(GraphCounter.graphs) for BreakyBlock (broken at .tolist() and .item())",
    )


# Task 2: counting graph breaks


@pytest.mark.parametrize(("fn", "op_counts"), PIECES)
def test_count_graph_breaks_counts_the_breaks_between_pieces(fn, op_counts):
    x = torch.linspace(0.5, 2, 6)
    breaks = count_graph_breaks(fn, x)
    assert_equal(breaks, len(op_counts) - 1, call=f"count_graph_breaks({fn.__name__}, x)")


def test_count_graph_breaks_compiles_nothing(monkeypatch):
    import torch._inductor.compile_fx as inductor

    def refuse(*args, **kwargs):
        raise AssertionError(
            "count_graph_breaks ran TorchInductor: counting needs no compiler "
            "(torch._dynamo.explain, or a backend that runs the graphs as they are)"
        )

    monkeypatch.setattr(inductor, "compile_fx", refuse)
    x = torch.linspace(0.5, 2, 6)
    assert_equal(count_graph_breaks(two_pieces, x), 1, call="count_graph_breaks(two_pieces, x)")


def test_count_graph_breaks_finds_a_python_branch_on_a_tensor_value():
    x = torch.linspace(-1, 2, 6)
    assert_equal(
        count_graph_breaks(branch_on_data, x), 1, call="count_graph_breaks(branch_on_data, x)"
    )


def test_count_graph_breaks_finds_both_breaks_of_breaky_block_and_leaves_it_eager():
    block = BreakyBlock()
    x, lengths = padded_batch(3.0, [5, 2, 0])
    with torch.no_grad():
        expected = block(x, lengths)
        breaks = count_graph_breaks(block, x, lengths)
        again = block(x, lengths)
    assert_equal(breaks, 2, call="count_graph_breaks(BreakyBlock(), x, lengths)")
    assert type(block) is BreakyBlock and "forward" not in vars(block), (
        "count_graph_breaks must not replace the module or its forward"
    )
    assert_tensor(again, expected, call="BreakyBlock()(x, lengths) after count_graph_breaks")


# Task 3: remove the graph breaks


CASES = [
    pytest.param(3.0, [5, 2, 0], id="padding-and-peak-above-one"),
    pytest.param(0.05, [5, 5, 5], id="no-padding-peak-below-one"),
    pytest.param(0.05, [3, 1, 4], id="padding-peak-below-one"),
    pytest.param(3.0, [0, 0], id="all-padding"),
]


def twin_blocks(dtype=torch.float32):
    breaky = BreakyBlock().to(dtype)
    friendly = GraphFriendlyBlock().to(dtype)
    friendly.load_state_dict(breaky.state_dict())
    return breaky, friendly


@pytest.mark.parametrize(("scale", "lengths"), CASES)
def test_graph_friendly_block_equals_breaky_block(scale, lengths):
    breaky, friendly = twin_blocks(torch.float64)
    x, lengths = padded_batch(scale, lengths, torch.float64)
    assert_tensor(
        friendly(x, lengths), breaky(x, lengths), call=call("GraphFriendlyBlock()", x, lengths)
    )


def test_graph_friendly_block_ignores_large_values_in_the_padding():
    # The real positions stay below 1, only the padding is large: a peak measured before the
    # padding is zeroed divides where BreakyBlock does not.
    breaky, friendly = twin_blocks(torch.float64)
    x, lengths = padded_batch(0.05, [2, 3], torch.float64)
    x[:, 3:] *= 1000.0  # positions 3 and 4 are padding in both rows
    assert_tensor(
        friendly(x, lengths),
        breaky(x, lengths),
        call=call("GraphFriendlyBlock()", x, lengths) + " (large values only in the padding)",
    )


def test_graph_friendly_block_has_the_same_gradients():
    breaky, friendly = twin_blocks(torch.float64)
    x, lengths = padded_batch(3.0, [5, 2, 1], torch.float64)
    breaky(x, lengths).square().sum().backward()
    friendly(x, lengths).square().sum().backward()
    for (name, expected), got in zip(breaky.named_parameters(), friendly.parameters(), strict=True):
        assert_tensor(got.grad, expected.grad, call=f"GraphFriendlyBlock: gradient of {name}")


@pytest.mark.parametrize(("scale", "lengths"), CASES[:3])
def test_graph_friendly_block_compiles_as_one_graph(scale, lengths):
    _, friendly = twin_blocks()
    x, lengths = padded_batch(scale, lengths)
    explanation = torch._dynamo.explain(friendly)(x, lengths)
    assert explanation.graph_break_count == 0, (
        f"GraphFriendlyBlock still has {explanation.graph_break_count} graph break(s): "
        + "; ".join(str(r.reason).splitlines()[0] for r in explanation.break_reasons)
    )
    torch._dynamo.reset()
    with torch.no_grad():
        compiled = torch.compile(friendly, backend="eager", fullgraph=True)(x, lengths)
        expected = friendly(x, lengths)
    assert_tensor(
        compiled, expected, call="torch.compile(GraphFriendlyBlock(), fullgraph=True)(x, lengths)"
    )


# Task 4: compile for real


def test_compile_model_refuses_to_run_a_model_with_a_graph_break():
    x, lengths = padded_batch(3.0, [5, 2, 0])
    compiled = compile_model(BreakyBlock(), backend="eager")
    try:
        compiled(x, lengths)
    except Exception:  # Dynamo's Unsupported error: what fullgraph=True promises
        return
    pytest.fail(
        "compile_model(BreakyBlock(), backend='eager') ran the model in pieces; with "
        "fullgraph=True its first call raises at the first graph break"
    )


def test_compile_model_with_inductor_shares_the_parameters_and_matches_eager():
    compiler = next((c for c in ("g++", "c++", "clang++") if shutil.which(c)), None)
    assert compiler, (
        "TorchInductor compiles C++ on a CPU and no C++ compiler is on PATH: install g++ "
        "(apt-get install g++; the dev containers have it) and run the test again"
    )
    model = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 4))
    x = torch.randn(5, 8, generator=torch.Generator().manual_seed(2))
    compiled = compile_model(model)  # the default backend: inductor (the one real compile here)
    with torch.no_grad():
        result, expected = compiled(x), model(x)
    assert_tensor(result, expected, call="compile_model(model)(x)", atol=1e-5, rtol=1e-5)
    shared = [p is q for p, q in zip(model.parameters(), compiled.parameters(), strict=True)]
    assert all(shared), (
        "compile_model(model) must wrap the model itself (its parameters, not copies): "
        "training the compiled module trains `model`"
    )
