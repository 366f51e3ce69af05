import math

import pytest
import torch
from multi_head_attention import (
    MultiHeadAttention,
    attention_weights,
    merge_heads,
    split_heads,
)
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call, describe


def data(*shape, seed=0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def copy_by_hand(reference, ours):
    """The test's own copy of an nn.MultiheadAttention's weights (so that task 4 is graded
    without task 5): the packed in_proj holds queries, keys, values in that order."""
    with torch.no_grad():
        for i, name in enumerate(["q_proj", "k_proj", "v_proj"]):
            rows = slice(i * ours.embed_dim, (i + 1) * ours.embed_dim)
            getattr(ours, name).weight.copy_(reference.in_proj_weight[rows])
            if reference.in_proj_bias is not None:
                getattr(ours, name).bias.copy_(reference.in_proj_bias[rows])
        ours.out_proj.weight.copy_(reference.out_proj.weight)
        if reference.out_proj.bias is not None:
            ours.out_proj.bias.copy_(reference.out_proj.bias)
    return ours


def torch_and_ours(embed_dim, num_heads, bias=True, seed=0):
    """An nn.MultiheadAttention with random weights (biases included) and ours with the same
    weights. Both stay in training mode: with dropout 0 that is deterministic, and PyTorch's
    eval-mode fast path (which zeroes padded positions) stays out of the comparison."""
    torch.manual_seed(seed)
    reference = nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=True)
    with torch.no_grad():
        for parameter in reference.parameters():
            parameter.copy_(torch.randn_like(parameter) * 0.5)
    ours = copy_by_hand(reference, MultiHeadAttention(embed_dim, num_heads, bias=bias))
    return reference, ours


def padding_mask(lengths, total):
    """(B, S) bool, True on the padding after each sequence's length."""
    return torch.arange(total)[None, :] >= torch.tensor(lengths)[:, None]


def causal(length):
    return torch.ones(length, length, dtype=torch.bool).triu(1)


# Task 1: split_heads


@pytest.mark.parametrize(
    ("shape", "num_heads"),
    [
        pytest.param((2, 3, 8), 2, id="2-heads"),
        pytest.param((1, 5, 12), 4, id="4-heads"),
        pytest.param((3, 1, 6), 1, id="1-head"),
    ],
)
def test_split_heads_gives_each_head_its_slice_of_channels(shape, num_heads):
    x = data(*shape)
    channels = shape[-1]
    head_size = channels // num_heads
    expected = torch.stack(
        [x[:, :, h * head_size : (h + 1) * head_size] for h in range(num_heads)], dim=1
    )  # (B, nh, T, hs), written out head by head
    result = split_heads(x, num_heads)
    assert_tensor(result, expected, call=call("split_heads", x, num_heads))


# Task 2: merge_heads


@pytest.mark.parametrize(
    ("shape", "num_heads"),
    [pytest.param((2, 3, 8), 2, id="2-heads"), pytest.param((1, 5, 12), 4, id="4-heads")],
)
def test_merge_heads_puts_the_heads_side_by_side(shape, num_heads):
    batch, time, channels = shape
    heads = data(batch, num_heads, time, channels // num_heads, seed=1)
    expected = torch.cat([heads[:, h] for h in range(num_heads)], dim=-1)  # (B, T, C)
    result = merge_heads(heads)
    assert_tensor(result, expected, call=call("merge_heads", heads))
    x = data(*shape, seed=2)
    assert_tensor(
        merge_heads(split_heads(x, num_heads)),
        x,
        call=f"merge_heads(split_heads({describe(x)}, {num_heads}))",
    )


# Task 3: attention_weights


def reference_weights(q, k, key_padding_mask=None, attn_mask=None):
    scores = torch.einsum("bhld,bhsd->bhls", q, k) / math.sqrt(q.shape[-1])
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            attn_mask = torch.zeros(attn_mask.shape).masked_fill(attn_mask, float("-inf"))
        scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
    return scores.softmax(dim=-1)


def test_attention_weights_are_a_softmax_of_scores_scaled_by_the_head_width():
    q, k = data(2, 3, 4, 16, seed=3) * 2, data(2, 3, 6, 16, seed=4) * 2
    result = attention_weights(q, k)
    assert_tensor(result, reference_weights(q, k), call=call("attention_weights", q, k))


def test_attention_weights_give_padded_keys_zero_weight():
    q, k = data(2, 2, 4, 8, seed=5), data(2, 2, 5, 8, seed=6)
    mask = padding_mask([5, 2], 5)
    result = attention_weights(q, k, key_padding_mask=mask)
    what = call("attention_weights", q, k, key_padding_mask=mask)
    assert_tensor(result, reference_weights(q, k, key_padding_mask=mask), call=what)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_attention_weights_follow_a_causal_attn_mask(kind):
    q, k = data(1, 2, 5, 8, seed=7), data(1, 2, 5, 8, seed=8)
    mask = causal(5)
    if kind == "float":
        mask = torch.zeros(5, 5).masked_fill(mask, float("-inf"))
    result = attention_weights(q, k, attn_mask=mask)
    what = call("attention_weights", q, k, attn_mask=mask)
    assert_tensor(result, reference_weights(q, k, attn_mask=mask), call=what)


def bias_mask(length, seed):
    """A float (L, L) attn_mask of finite biases (some negative, some positive) with the
    causal pairs set to -inf: a float mask is added to the scores, not read as a boolean."""
    return (data(length, length, seed=seed) * 2).masked_fill(causal(length), float("-inf"))


def test_attention_weights_add_a_float_attn_mask_with_finite_biases():
    q, k = data(2, 2, 5, 8, seed=20), data(2, 2, 5, 8, seed=21)
    mask = bias_mask(5, seed=22)
    result = attention_weights(q, k, attn_mask=mask)
    what = call("attention_weights", q, k, attn_mask=mask) + f"; attn_mask = {mask.tolist()}"
    assert_tensor(result, reference_weights(q, k, attn_mask=mask), call=what)


# Task 4: MultiHeadAttention.forward


@pytest.mark.parametrize(
    ("embed_dim", "num_heads"),
    [
        pytest.param(8, 1, id="1-head"),
        pytest.param(8, 2, id="2-heads"),
        pytest.param(12, 4, id="4-heads"),
    ],
)
def test_self_attention_equals_torch(embed_dim, num_heads):
    reference, ours = torch_and_ours(embed_dim, num_heads)
    x = data(3, 5, embed_dim, seed=9)
    expected, expected_weights = reference(x, x, x)
    output, weights = ours(x, x, x)
    what = f"MultiHeadAttention({embed_dim}, {num_heads})(x, x, x) with x {describe(x)}"
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1] (weights averaged over heads)")


def test_cross_attention_with_more_keys_than_queries_equals_torch():
    reference, ours = torch_and_ours(12, 3, seed=1)
    query, memory = data(2, 3, 12, seed=10), data(2, 7, 12, seed=11)
    expected, expected_weights = reference(query, memory, memory)
    output, weights = ours(query, memory, memory)
    what = f"attention(query {describe(query)}, key=value {describe(memory)})"
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1]")


def test_cross_attention_with_different_key_and_value_equals_torch():
    reference, ours = torch_and_ours(12, 3, seed=5)
    query, key, value = data(2, 3, 12, seed=23), data(2, 6, 12, seed=24), data(2, 6, 12, seed=25)
    expected, expected_weights = reference(query, key, value)
    output, weights = ours(query, key, value)
    what = (
        f"attention(query {describe(query)}, key {describe(key)}, value {describe(value)}), "
        f"key and value different tensors (the values come from `value`)"
    )
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1]")


def test_a_float_attn_mask_with_finite_biases_equals_torch():
    reference, ours = torch_and_ours(8, 2, seed=6)
    x = data(2, 5, 8, seed=26)
    mask = bias_mask(5, seed=27)
    expected, expected_weights = reference(x, x, x, attn_mask=mask)
    output, weights = ours(x, x, x, attn_mask=mask)
    what = f"self-attention on {describe(x)} with a float attn_mask of biases {mask.tolist()}"
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1]")


def test_key_padding_mask_equals_torch():
    reference, ours = torch_and_ours(8, 2, seed=2)
    x = data(3, 6, 8, seed=12)
    mask = padding_mask([6, 4, 1], 6)
    expected, expected_weights = reference(x, x, x, key_padding_mask=mask)
    output, weights = ours(x, x, x, key_padding_mask=mask)
    what = f"self-attention on {describe(x)} with key_padding_mask {mask.tolist()}"
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1]")


def test_causal_attn_mask_and_padding_together_equal_torch_per_head():
    reference, ours = torch_and_ours(12, 3, seed=3)
    x = data(2, 5, 12, seed=13)
    mask, padding = causal(5), padding_mask([5, 3], 5)
    expected, expected_weights = reference(
        x, x, x, key_padding_mask=padding, attn_mask=mask, average_attn_weights=False
    )
    output, weights = ours(
        x, x, x, key_padding_mask=padding, attn_mask=mask, average_attn_weights=False
    )
    what = "causal self-attention with padding, average_attn_weights=False"
    assert_tensor(output, expected, call=what + "[0]", atol=1e-5)
    assert_tensor(weights, expected_weights, call=what + "[1] (one row of weights per head)")


def test_need_weights_false_returns_none_for_the_weights():
    reference, ours = torch_and_ours(8, 2, seed=4)
    x = data(2, 4, 8, seed=14)
    output, weights = ours(x, x, x, need_weights=False)
    expected, _ = reference(x, x, x, need_weights=False)
    assert_tensor(output, expected, call="ours(x, x, x, need_weights=False)[0]", atol=1e-5)
    assert weights is None, (
        f"ours(x, x, x, need_weights=False)[1] returned {describe(weights)}, expected None"
    )


def test_gradients_equal_torch_through_the_packed_projection():
    reference, ours = torch_and_ours(8, 2, seed=5)
    x = data(2, 4, 8, seed=15, dtype=torch.float64)
    reference, ours = reference.double(), ours.double()
    target = data(2, 4, 8, seed=16, dtype=torch.float64)
    ((reference(x, x, x)[0] - target) ** 2).sum().backward()
    ((ours(x, x, x)[0] - target) ** 2).sum().backward()
    packed_grad = torch.cat(
        [ours.q_proj.weight.grad, ours.k_proj.weight.grad, ours.v_proj.weight.grad]
    )
    assert_tensor(
        packed_grad, reference.in_proj_weight.grad, call="grad of q/k/v_proj.weight, stacked"
    )
    assert_tensor(
        ours.out_proj.weight.grad, reference.out_proj.weight.grad, call="grad of out_proj.weight"
    )


def test_attention_without_bias_equals_torch():
    reference, ours = torch_and_ours(8, 4, bias=False, seed=6)
    x = data(1, 3, 8, seed=17)
    assert_tensor(
        ours(x, x, x)[0], reference(x, x, x)[0], call="bias=False self-attention", atol=1e-5
    )


# Task 5: copy_weights_from


def test_copy_weights_from_copies_values_into_leaf_parameters_and_returns_self():
    reference = nn.MultiheadAttention(8, 2, batch_first=True)
    ours = MultiHeadAttention(8, 2)
    returned = ours.copy_weights_from(reference)
    assert returned is ours, f"copy_weights_from returned {describe(returned)}, expected self"
    w_q, w_k, w_v = reference.in_proj_weight.detach().chunk(3)
    b_q, b_k, b_v = reference.in_proj_bias.detach().chunk(3)
    for name, expected in [
        ("q_proj.weight", w_q),
        ("k_proj.weight", w_k),
        ("v_proj.weight", w_v),
        ("q_proj.bias", b_q),
        ("k_proj.bias", b_k),
        ("v_proj.bias", b_v),
        ("out_proj.weight", reference.out_proj.weight.detach()),
        ("out_proj.bias", reference.out_proj.bias.detach()),
    ]:
        parameter = ours.get_parameter(name)
        assert_tensor(parameter, expected, call=f"after copy_weights_from: {name}")
        assert parameter.is_leaf and parameter.requires_grad and parameter.grad_fn is None, (
            f"after copy_weights_from, {name} is {describe(parameter)} with grad_fn "
            f"{parameter.grad_fn}; expected a leaf parameter that requires grad (copy under no_grad)"
        )


def test_a_module_copied_with_copy_weights_from_computes_what_torch_computes():
    reference, _ = torch_and_ours(12, 3, seed=7)
    ours = MultiHeadAttention(12, 3).copy_weights_from(reference)
    query, memory = data(2, 3, 12, seed=18), data(2, 5, 12, seed=19)
    expected, _ = reference(query, memory, memory)
    output, _ = ours(query, memory, memory)
    assert_tensor(
        output,
        expected,
        call="MultiHeadAttention(12, 3).copy_weights_from(mha)(q, kv, kv)[0]",
        atol=1e-5,
    )


def test_copy_weights_from_does_not_share_memory_with_the_source():
    reference = nn.MultiheadAttention(8, 2, batch_first=True)
    ours = MultiHeadAttention(8, 2).copy_weights_from(reference)
    before = {name: p.detach().clone() for name, p in ours.named_parameters()}
    with torch.no_grad():
        for parameter in reference.parameters():
            parameter.add_(1.0)
    for name, parameter in ours.named_parameters():
        assert_tensor(
            parameter, before[name], call=f"{name} after the source module's weights changed"
        )
