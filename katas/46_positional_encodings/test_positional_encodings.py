import math

import pytest
import torch
from positional_encodings import SinusoidalPositions, apply_rope, rope_angles, sinusoidal_encoding

from kata_helpers import assert_equal, assert_tensor, call, describe


def data(*shape, seed=0, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def formula_encoding(num_positions, dim, base=10000.0):
    """The paper's table, one entry at a time (float64)."""
    table = torch.zeros(num_positions, dim, dtype=torch.float64)
    for p in range(num_positions):
        for i in range(dim // 2):
            angle = p / base ** (2 * i / dim)
            table[p, 2 * i], table[p, 2 * i + 1] = math.sin(angle), math.cos(angle)
    return table


def rotate_as_complex(x, angles):
    """RoPE as complex numbers: each pair (x0, x1) is x0 + i x1, multiplied by e^(i angle)."""
    pairs = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2).contiguous())
    turned = pairs * torch.polar(torch.ones_like(angles), angles)
    return torch.view_as_real(turned).flatten(-2)


# Task 1: sinusoidal_encoding


@pytest.mark.parametrize(
    ("num_positions", "dim"),
    [
        pytest.param(1, 2, id="1x2"),
        pytest.param(12, 8, id="12x8"),
        pytest.param(50, 16, id="50x16"),
    ],
)
def test_sinusoidal_encoding_equals_the_formula(num_positions, dim):
    result = sinusoidal_encoding(num_positions, dim)
    expected = formula_encoding(num_positions, dim).float()
    assert_tensor(result, expected, call=call("sinusoidal_encoding", num_positions, dim), atol=1e-5)


def test_sinusoidal_encoding_takes_a_base_a_dtype_and_a_device():
    result = sinusoidal_encoding(6, 4, base=100.0, dtype=torch.float64)
    what = call("sinusoidal_encoding", 6, 4, base=100.0, dtype=torch.float64)
    assert_tensor(result, formula_encoding(6, 4, base=100.0), call=what)
    on_meta = sinusoidal_encoding(6, 4, device="meta")
    assert_equal(
        on_meta.device, torch.device("meta"), call="sinusoidal_encoding(6, 4, device='meta').device"
    )
    assert_equal(
        tuple(on_meta.shape), (6, 4), call="sinusoidal_encoding(6, 4, device='meta').shape"
    )


def test_every_sinusoidal_row_has_the_same_norm():
    table = sinusoidal_encoding(40, 12, dtype=torch.float64)
    norms = table.norm(dim=1)
    expected = torch.full((40,), math.sqrt(12 / 2), dtype=torch.float64)
    assert_tensor(
        norms, expected, call="sinusoidal_encoding(40, 12).norm(dim=1)  (each sin² + cos² is 1)"
    )


def test_sinusoidal_dot_products_depend_only_on_the_distance():
    table = sinusoidal_encoding(30, 16, dtype=torch.float64)
    gram = table @ table.T  # gram[p, q] = PE[p] · PE[q]
    for distance in [0, 1, 5]:
        diagonal = torch.diagonal(gram, offset=distance)
        assert_tensor(
            diagonal,
            diagonal[:1].expand_as(diagonal),
            call=f"PE[p] · PE[p + {distance}] for every p (the same number for every p)",
        )


# Task 2: SinusoidalPositions


def test_sinusoidal_positions_add_the_rows_that_start_at_the_offset():
    module = SinusoidalPositions(max_len=20, dim=8)
    x = data(2, 5, 8, dtype=torch.float32)
    table = formula_encoding(20, 8).float()
    assert_tensor(
        module(x), x + table[:5], call=f"SinusoidalPositions(20, 8)({describe(x)})", atol=1e-5
    )
    assert_tensor(
        module(x, offset=7),
        x + table[7:12],
        call=f"SinusoidalPositions(20, 8)({describe(x)}, offset=7)",
        atol=1e-5,
    )


def test_sinusoidal_positions_table_is_a_buffer_that_moves_with_the_module():
    module = SinusoidalPositions(max_len=10, dim=4)
    assert_equal(
        len(list(module.parameters())), 0, call="len(list(SinusoidalPositions(10, 4).parameters()))"
    )
    doubled = module.to(torch.float64)
    x = data(1, 3, 4)
    result = doubled(x, offset=2)
    assert_tensor(
        result,
        x + formula_encoding(10, 4)[2:5],
        call="SinusoidalPositions(10, 4).double()(x, offset=2)",
    )
    on_meta = SinusoidalPositions(max_len=10, dim=4).to("meta")
    moved = on_meta(torch.empty(2, 3, 4, device="meta"))
    assert_equal(
        moved.device,
        torch.device("meta"),
        call="SinusoidalPositions(10, 4).to('meta')(x on meta).device",
    )


def test_sinusoidal_positions_pass_gradients_to_the_embeddings():
    module = SinusoidalPositions(max_len=10, dim=4)
    x = data(2, 3, 4, dtype=torch.float32).requires_grad_()
    module(x, offset=1).sum().backward()
    assert_tensor(
        x.grad,
        torch.ones(2, 3, 4),
        call="SinusoidalPositions(10, 4)(x, offset=1).sum().backward(); x.grad",
    )


# Task 3: rope_angles


@pytest.mark.parametrize(
    "positions",
    [
        pytest.param(torch.arange(6), id="from-0"),
        pytest.param(torch.arange(100, 104), id="from-100"),
    ],
)
def test_rope_angles_are_positions_times_the_sinusoid_frequencies(positions):
    head_dim = 8
    frequencies = torch.tensor(
        [10000.0 ** (-2 * i / head_dim) for i in range(head_dim // 2)], dtype=torch.float64
    )
    expected = (positions.double()[:, None] * frequencies[None, :]).float()
    result = rope_angles(positions, head_dim)
    assert_tensor(result, expected, call=call("rope_angles", positions, head_dim), rtol=1e-5)


def test_rope_angles_take_a_base_and_stay_on_the_positions_device():
    positions = torch.arange(3)
    expected = positions.double()[:, None] * torch.tensor([1.0, 0.1], dtype=torch.float64)
    result = rope_angles(positions, 4, base=100.0)
    assert_tensor(result, expected.float(), call=call("rope_angles", positions, 4, base=100.0))
    on_meta = rope_angles(torch.arange(3, device="meta"), 4)
    assert_equal(
        on_meta.device, torch.device("meta"), call="rope_angles(positions on meta, 4).device"
    )


# Task 4: apply_rope


@pytest.mark.parametrize(
    ("shape", "start"),
    [
        pytest.param((5, 4), 0, id="T-5-from-0"),
        pytest.param((2, 3, 6, 8), 0, id="B-nh-T-hs"),
        pytest.param((2, 4, 16), 50, id="from-50"),
    ],
)
def test_apply_rope_turns_each_pair_of_channels_as_a_complex_number(shape, start):
    x = data(*shape, seed=1)
    positions = torch.arange(start, start + shape[-2])
    frequencies = 10000.0 ** (-torch.arange(0, shape[-1], 2, dtype=torch.float64) / shape[-1])
    angles = positions.double()[:, None] * frequencies  # (T, hs/2)
    expected = rotate_as_complex(x, angles)
    result = apply_rope(x, positions)
    assert_tensor(result, expected, call=call("apply_rope", x, positions), rtol=1e-5, atol=1e-5)


def test_apply_rope_keeps_every_vector_norm():
    x = data(2, 3, 7, 8, seed=2)
    positions = torch.arange(3, 10)
    result = apply_rope(x, positions)
    assert_tensor(
        result.norm(dim=-1), x.norm(dim=-1), call=call("apply_rope", x, positions) + ".norm(dim=-1)"
    )


def test_apply_rope_is_the_identity_at_position_zero():
    x = data(3, 1, 8, seed=3)
    positions = torch.zeros(1, dtype=torch.int64)
    assert_tensor(apply_rope(x, positions), x, call=call("apply_rope", x, positions))


@pytest.mark.parametrize("shift", [pytest.param(1, id="shift-1"), pytest.param(37, id="shift-37")])
def test_rope_scores_depend_only_on_the_offset_between_query_and_key(shift):
    q, k = data(1, 6, 16, seed=4), data(1, 6, 16, seed=5)
    positions = torch.tensor([0, 2, 3, 7, 8, 20])
    scores = apply_rope(q, positions) @ apply_rope(k, positions).transpose(-2, -1)
    shifted = apply_rope(q, positions + shift) @ apply_rope(k, positions + shift).transpose(-2, -1)
    assert_tensor(
        shifted,
        scores,
        call=f"rope(q, positions + {shift}) @ rope(k, positions + {shift})ᵀ vs the unshifted scores",
        atol=1e-4,
    )
    raw = q @ k.transpose(-2, -1)
    assert not torch.allclose(scores, raw, atol=1e-3), (
        "apply_rope left the scores unchanged: the query-key scores must depend on the positions"
    )


def test_rotating_twice_adds_the_positions():
    x = data(2, 5, 8, seed=6)
    first, second = torch.arange(5), torch.tensor([3, 1, 4, 1, 5])
    result = apply_rope(apply_rope(x, first), second)
    expected = apply_rope(x, first + second)
    assert_tensor(
        result, expected, call="apply_rope(apply_rope(x, m), n) vs apply_rope(x, m + n)", atol=1e-5
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_apply_rope_keeps_the_dtype_and_leaves_its_input_alone(dtype):
    x = data(2, 4, 8, seed=7, dtype=dtype).requires_grad_()
    before = x.detach().clone()
    positions = torch.arange(4)
    result = apply_rope(x, positions)
    assert_equal(result.dtype, dtype, call=call("apply_rope", x, positions) + ".dtype")
    assert_tensor(x, before, call="x after apply_rope(x, positions) (it must not change)")
    result.pow(2).sum().backward()
    assert_tensor(
        x.grad,
        2 * before,
        call="grad of apply_rope(x).pow(2).sum() (a rotation keeps it 2x)",
        atol=1e-5,
    )


@pytest.mark.parametrize(
    ("dtype", "atol"),
    [
        # Loose enough for angles or sines rounded to the input's precision, as models do.
        pytest.param(torch.float16, 1e-2, id="float16"),
        pytest.param(torch.bfloat16, 4e-2, id="bfloat16"),
    ],
)
def test_apply_rope_keeps_a_half_precision_dtype_and_stays_close_to_float64(dtype, atol):
    x = data(2, 3, 6, 8, seed=8).to(dtype)
    positions = torch.arange(5, 11)
    frequencies = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    angles = positions.double()[:, None] * frequencies  # (T, hs/2)
    expected = rotate_as_complex(x.double(), angles).to(dtype)  # computed in float64, then cast
    assert_tensor(
        apply_rope(x, positions),
        expected,
        call=call("apply_rope", x, positions) + f" (the result must stay {dtype})",
        rtol=1.6e-2,
        atol=atol,
    )


def test_apply_rope_runs_on_the_input_device():
    x = torch.empty(2, 3, 8, device="meta")
    result = apply_rope(x, torch.arange(3, device="meta"))
    assert_equal(
        result.device, torch.device("meta"), call="apply_rope(x on meta, positions on meta).device"
    )
    assert_equal(tuple(result.shape), (2, 3, 8), call="apply_rope(x on meta, ...).shape")
