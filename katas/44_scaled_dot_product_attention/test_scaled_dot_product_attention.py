import math

import pytest
import torch
import torch.nn.functional as F
from scaled_dot_product_attention import (
    attention_scores,
    attention_weights,
    causal_mask,
    scaled_dot_product_attention,
)

from kata_helpers import assert_equal, assert_tensor, call


def data(*shape, seed=0, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def random_bool_mask(*shape, seed=0, keep=0.6):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=generator) < keep


def sdpa_weights(q, k, **kwargs):
    """PyTorch's own attention weights: attention over identity values returns them."""
    identity = torch.eye(k.shape[-2], dtype=q.dtype).expand(*k.shape[:-1], k.shape[-2])
    return F.scaled_dot_product_attention(q, k, identity, **kwargs)


def describe_mask(mask):
    if mask is None:
        return "None"
    return f"{mask.dtype} mask of shape {tuple(mask.shape)}"


# q, k, v shapes (3-D and 4-D), L != S != E != Ev so that every size mix-up shows.
SHAPES = [
    pytest.param((2, 4, 8), (2, 6, 8), (2, 6, 5), id="batch-L4-S6-E8"),
    pytest.param((2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5), id="batch-heads-L4-S6-E8"),
    pytest.param((1, 5, 3), (1, 5, 3), (1, 5, 2), id="self-attention-L5"),
]


# Task 1: scores


@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), SHAPES)
def test_scores_are_dot_products_divided_by_the_root_of_e(q_shape, k_shape, v_shape):
    q, k = data(*q_shape, seed=1), data(*k_shape, seed=2)
    expected = torch.einsum("...le,...se->...ls", q, k) / math.sqrt(q.shape[-1])
    assert_tensor(attention_scores(q, k), expected, call=call("attention_scores", q, k))


# Explicit scales: 0.0 is a scale like any other (every score 0), not "no scale given".
GIVEN_SCALES = [
    pytest.param(0.25, id="scale-0.25"),
    pytest.param(1.0, id="scale-1"),
    pytest.param(2.0, id="scale-2"),
    pytest.param(0.0, id="scale-0-is-not-None"),
]


@pytest.mark.parametrize("scale", GIVEN_SCALES)
def test_scores_use_a_given_scale(scale):
    q, k = data(2, 3, 4, seed=3), data(2, 5, 4, seed=4)
    expected = torch.einsum("ble,bse->bls", q, k) * scale
    assert_tensor(
        attention_scores(q, k, scale=scale),
        expected,
        call=call("attention_scores", q, k, scale=scale),
    )


def test_scores_broadcast_keys_shared_by_the_batch():
    q, k = data(3, 2, 4, seed=5), data(6, 4, seed=6)
    expected = torch.einsum("ble,se->bls", q, k) / 2.0
    assert_tensor(attention_scores(q, k), expected, call=call("attention_scores", q, k))


# Task 2: the causal mask


def test_causal_mask_lets_each_query_see_itself_and_the_past():
    expected = torch.tensor(
        [
            [True, False, False, False],
            [True, True, False, False],
            [True, True, True, False],
            [True, True, True, True],
        ]
    )
    assert_tensor(causal_mask(4, 4), expected, call="causal_mask(4, 4)")


@pytest.mark.parametrize(
    ("num_queries", "num_keys"),
    [
        pytest.param(3, 5, id="fewer-queries"),
        pytest.param(5, 3, id="more-queries"),
        pytest.param(1, 1, id="one-by-one"),
    ],
)
def test_causal_mask_is_aligned_at_the_top_left_like_sdpa(num_queries, num_keys):
    q, k = data(1, num_queries, 2, seed=7), data(1, num_keys, 2, seed=8)
    # Where sdpa's causal weights are non-zero is where its mask lets a query attend.
    allowed = sdpa_weights(q, k, is_causal=True)[0] > 0
    assert_tensor(
        causal_mask(num_queries, num_keys), allowed, call=f"causal_mask({num_queries}, {num_keys})"
    )


def test_causal_mask_is_made_on_the_device_asked_for():
    mask = causal_mask(3, 3, device="meta")
    assert_equal(mask.device, torch.device("meta"), call='causal_mask(3, 3, device="meta").device')
    assert_equal(mask.dtype, torch.bool, call='causal_mask(3, 3, device="meta").dtype')
    assert_equal(tuple(mask.shape), (3, 3), call='causal_mask(3, 3, device="meta").shape')


# Task 3: weights


MASKS = [
    pytest.param("none", id="no-mask"),
    pytest.param("bool", id="boolean-mask"),
    pytest.param("additive", id="additive-mask"),
    pytest.param("bias", id="additive-finite-bias"),
    pytest.param("key-padding", id="key-padding-broadcast"),
]


def make_mask(kind, q, k, seed):
    L, S = q.shape[-2], k.shape[-2]
    if kind == "none":
        return None
    keep = random_bool_mask(L, S, seed=seed)
    keep[:, 0] = True  # every query may attend to something
    if kind == "bool":
        return keep
    if kind == "additive":
        return torch.zeros(L, S, dtype=q.dtype).masked_fill(~keep, float("-inf"))
    if kind == "bias":
        return data(L, S, seed=seed, dtype=q.dtype)
    # key padding: (B, 1, ..., 1, S), True for the real keys of each sequence
    lengths = torch.arange(q.shape[0]) % S + 1
    padding = torch.arange(S) < lengths[:, None]  # (B, S)
    return padding.reshape(q.shape[0], *([1] * (q.dim() - 2)), S)


@pytest.mark.parametrize("kind", MASKS)
@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), SHAPES)
def test_weights_equal_the_weights_sdpa_uses(q_shape, k_shape, v_shape, kind):
    q, k = data(*q_shape, seed=9), data(*k_shape, seed=10)
    mask = make_mask(kind, q, k, seed=11)
    expected = sdpa_weights(q, k, attn_mask=mask)
    assert_tensor(
        attention_weights(q, k, attn_mask=mask),
        expected,
        call=call("attention_weights", q, k) + f" with attn_mask = {describe_mask(mask)}",
    )


@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), SHAPES)
def test_causal_weights_equal_sdpa_and_are_zero_on_the_future(q_shape, k_shape, v_shape):
    q, k = data(*q_shape, seed=12), data(*k_shape, seed=13)
    weights = attention_weights(q, k, is_causal=True)
    made = call("attention_weights", q, k, is_causal=True)
    assert_tensor(weights, sdpa_weights(q, k, is_causal=True), call=made)
    L, S = q.shape[-2], k.shape[-2]
    future = ~torch.ones(L, S, dtype=torch.bool).tril()
    assert bool((weights[..., future] == 0).all()), f"{made} gives weight to future keys"


def test_each_row_of_weights_sums_to_one_over_the_allowed_keys():
    q, k = data(3, 5, 4, seed=14), data(3, 7, 4, seed=15)
    mask = random_bool_mask(5, 7, seed=16)
    mask[:, 2] = True
    weights = attention_weights(q, k, attn_mask=mask)
    made = call("attention_weights", q, k, attn_mask=mask)
    assert_tensor(weights.sum(-1), torch.ones(3, 5, dtype=torch.float64), call=f"{made}.sum(-1)")
    assert bool((weights[:, ~mask] == 0).all()), f"{made} gives weight where the mask is False"


@pytest.mark.parametrize(
    "kind", [pytest.param("bool", id="boolean-mask"), pytest.param("additive", id="additive-mask")]
)
def test_a_fully_masked_row_gets_zero_weights_and_no_nan(kind):
    q, k = data(2, 4, 3, seed=17), data(2, 5, 3, seed=18)
    keep = random_bool_mask(4, 5, seed=19)
    keep[:, 1] = True
    keep[2] = False  # query 2 may attend to nothing
    mask = (
        keep
        if kind == "bool"
        else torch.zeros(4, 5, dtype=q.dtype).masked_fill(~keep, float("-inf"))
    )
    weights = attention_weights(q, k, attn_mask=mask)
    made = call("attention_weights", q, k) + f" with a {kind} mask whose row 2 blocks every key"
    assert_tensor(weights, sdpa_weights(q, k, attn_mask=mask), call=made)
    assert_tensor(weights[:, 2], torch.zeros(2, 5, dtype=torch.float64), call=f"{made}: row 2")


@pytest.mark.parametrize(
    "kind", [pytest.param("bool", id="boolean-mask"), pytest.param("additive", id="additive-mask")]
)
def test_a_fully_masked_row_sends_no_nan_back_to_q_and_k(kind):
    q, k = data(2, 4, 3, seed=43).requires_grad_(), data(2, 5, 3, seed=44).requires_grad_()
    keep = random_bool_mask(4, 5, seed=45)
    keep[:, 3] = True
    keep[0] = False  # query 0 may attend to nothing
    mask = (
        keep
        if kind == "bool"
        else torch.zeros(4, 5, dtype=q.dtype).masked_fill(~keep, float("-inf"))
    )
    upstream = data(2, 4, 5, seed=46)
    (attention_weights(q, k, attn_mask=mask) * upstream).sum().backward()
    grads = [q.grad, k.grad]
    q.grad = k.grad = None
    (sdpa_weights(q, k, attn_mask=mask) * upstream).sum().backward()
    made = call("attention_weights", q, k) + f" with a {kind} mask whose row 0 blocks every key"
    for name, got, t in zip("qk", grads, (q, k), strict=True):
        assert_tensor(got, t.grad, call=f"{made}, then backward: {name}.grad (sdpa's has no nan)")


def test_giving_a_mask_and_is_causal_together_raises_a_value_error():
    q = data(1, 3, 2, seed=20)
    assert_tensor(
        attention_weights(q, q, is_causal=True),
        sdpa_weights(q, q, is_causal=True),
        call="attention_weights(q, q, is_causal=True)",
    )
    with pytest.raises(ValueError):
        attention_weights(q, q, attn_mask=causal_mask(3, 3), is_causal=True)


def test_the_causal_mask_is_built_on_the_inputs_device():
    q, k = torch.empty(2, 3, 4, 8, device="meta"), torch.empty(2, 3, 6, 8, device="meta")
    weights = attention_weights(q, k, is_causal=True)
    made = "attention_weights(q, k, is_causal=True) with q, k on the meta device"
    assert_equal(weights.device, torch.device("meta"), call=f"{made}: .device")
    assert_equal(tuple(weights.shape), (2, 3, 4, 6), call=f"{made}: .shape")


# Task 4: attention


@pytest.mark.parametrize("kind", MASKS)
@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), SHAPES)
def test_attention_equals_sdpa_with_attn_mask(q_shape, k_shape, v_shape, kind):
    q, k, v = data(*q_shape, seed=21), data(*k_shape, seed=22), data(*v_shape, seed=23)
    mask = make_mask(kind, q, k, seed=24)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert_tensor(
        scaled_dot_product_attention(q, k, v, attn_mask=mask),
        expected,
        call=call("scaled_dot_product_attention", q, k, v)
        + f" with attn_mask = {describe_mask(mask)}",
    )


@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), SHAPES)
def test_attention_equals_sdpa_with_is_causal(q_shape, k_shape, v_shape):
    q, k, v = data(*q_shape, seed=25), data(*k_shape, seed=26), data(*v_shape, seed=27)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert_tensor(
        scaled_dot_product_attention(q, k, v, is_causal=True),
        expected,
        call=call("scaled_dot_product_attention", q, k, v, is_causal=True),
    )


@pytest.mark.parametrize("scale", GIVEN_SCALES)
def test_attention_equals_sdpa_with_a_given_scale(scale):
    q, k, v = data(2, 4, 8, seed=31), data(2, 6, 8, seed=32), data(2, 6, 5, seed=33)
    expected = F.scaled_dot_product_attention(q, k, v, scale=scale)
    assert_tensor(
        scaled_dot_product_attention(q, k, v, scale=scale),
        expected,
        call=call("scaled_dot_product_attention", q, k, v, scale=scale),
    )


def test_attention_equals_sdpa_with_a_given_scale_in_float32():
    q, k, v = (data(2, 2, 5, 4, seed=s, dtype=torch.float32) for s in (28, 29, 30))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3)
    assert_tensor(
        scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
        expected,
        call=call("scaled_dot_product_attention", q, k, v, is_causal=True, scale=0.3),
    )


@pytest.mark.parametrize(
    "kind", [pytest.param("bool", id="boolean-mask"), pytest.param("additive", id="additive-mask")]
)
def test_a_fully_masked_query_returns_zeros_with_the_gradients_of_sdpa(kind):
    q, k, v = (data(2, 4, 3, seed=s).requires_grad_() for s in (31, 32, 33))
    keep = random_bool_mask(4, 4, seed=34)
    keep[:, 0] = True
    keep[1] = False  # query 1 may attend to nothing
    mask = (
        keep
        if kind == "bool"
        else torch.zeros(4, 4, dtype=q.dtype).masked_fill(~keep, float("-inf"))
    )
    output = scaled_dot_product_attention(q, k, v, attn_mask=mask)
    made = call("scaled_dot_product_attention", q, k, v) + f" with a {kind} mask that blocks row 1"
    assert_tensor(output[:, 1], torch.zeros(2, 3, dtype=torch.float64), call=f"{made}: row 1")
    upstream = data(2, 4, 3, seed=35)
    (output * upstream).sum().backward()
    grads = [t.grad for t in (q, k, v)]
    for t in (q, k, v):
        t.grad = None
    (F.scaled_dot_product_attention(q, k, v, attn_mask=mask) * upstream).sum().backward()
    for name, got, t in zip("qkv", grads, (q, k, v), strict=True):
        assert_tensor(got, t.grad, call=f"{made}, then backward: {name}.grad (sdpa's has no nan)")


def test_attention_gradients_equal_sdpa_gradients():
    q, k, v = (data(2, 2, 4, 3, seed=s).requires_grad_() for s in (36, 37, 38))
    upstream = data(2, 2, 4, 3, seed=39)
    (scaled_dot_product_attention(q, k, v, is_causal=True) * upstream).sum().backward()
    grads = [t.grad for t in (q, k, v)]
    for t in (q, k, v):
        t.grad = None
    (F.scaled_dot_product_attention(q, k, v, is_causal=True) * upstream).sum().backward()
    for name, got, t in zip("qkv", grads, (q, k, v), strict=True):
        assert_tensor(
            got,
            t.grad,
            call=f"scaled_dot_product_attention(q, k, v, is_causal=True), backward: {name}.grad",
        )


def test_causal_attention_at_step_t_ignores_every_later_key_and_value():
    q, k, v = (data(1, 6, 4, seed=s) for s in (40, 41, 42))
    before = scaled_dot_product_attention(q, k, v, is_causal=True)
    k2, v2 = k.clone(), v.clone()
    k2[:, 4:] += 5.0
    v2[:, 4:] -= 5.0
    after = scaled_dot_product_attention(q, k2, v2, is_causal=True)
    assert_tensor(
        after[:, :4],
        before[:, :4],
        call="causal attention outputs 0..3 after changing keys and values 4 and 5",
    )
