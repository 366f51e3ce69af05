import pytest
import torch
import torch.nn.functional as F
from tokens_and_embeddings import (
    PAD_ID,
    CharTokenizer,
    Embedding,
    mean_embedding,
    one_hot_embedding,
)
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call

CORPUS = "the quick brown fox jumps over the lazy dog.\nTHE END, said Zoë: ✓"


def ids_tensor(values):
    return torch.tensor(values, dtype=torch.int64)


def random_ids(*shape, vocab_size, seed=0, low=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(low, vocab_size, shape, generator=generator)


def random_weight(vocab_size, dim, seed=1, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(vocab_size, dim, generator=generator, dtype=dtype)


# Task 1: the tokenizer


def test_the_vocabulary_is_padding_then_the_sorted_distinct_characters():
    tokenizer = CharTokenizer("hello")
    assert_equal(tokenizer.vocab_size, 5, call='CharTokenizer("hello").vocab_size')
    # <pad>=0, then e=1, h=2, l=3, o=4
    assert_tensor(
        tokenizer.encode("hello"),
        ids_tensor([2, 1, 3, 3, 4]),
        call='CharTokenizer("hello").encode("hello")',
    )
    tokenizer = CharTokenizer("ba ba")
    # <pad>=0, then " "=1 (the space sorts first), a=2, b=3
    assert_tensor(
        tokenizer.encode("ab ba"),
        ids_tensor([2, 3, 1, 3, 2]),
        call='CharTokenizer("ba ba").encode("ab ba")',
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("the lazy dog", id="words"),
        pytest.param(CORPUS, id="the-whole-corpus"),
        pytest.param("Zoë ✓\n", id="non-ascii-and-newline"),
        pytest.param("x", id="one-character"),
    ],
)
def test_decode_inverts_encode(text):
    tokenizer = CharTokenizer(CORPUS + "x")
    ids = tokenizer.encode(text)
    assert (
        isinstance(ids, torch.Tensor) and ids.dtype == torch.int64 and ids.shape == (len(text),)
    ), (
        f"tokenizer.encode({text!r}) returned {ids!r}; expected a 1-D int64 tensor of "
        f"{len(text)} ids, one per character"
    )
    assert bool((ids > PAD_ID).all()), (
        f"tokenizer.encode({text!r}) returned {ids.tolist()}: id {PAD_ID} is the padding token, "
        f"real characters get ids 1, 2, ..."
    )
    assert_equal(tokenizer.decode(ids), text, call=f"tokenizer.decode(tokenizer.encode({text!r}))")


def test_encoding_the_empty_string_gives_an_empty_int64_tensor():
    tokenizer = CharTokenizer("abc")
    assert_tensor(tokenizer.encode(""), ids_tensor([]), call='tokenizer.encode("")')
    assert_equal(tokenizer.decode(ids_tensor([])), "", call="tokenizer.decode(tensor([]))")


def test_every_distinct_character_gets_its_own_id():
    tokenizer = CharTokenizer(CORPUS)
    distinct = sorted(set(CORPUS))
    assert_equal(tokenizer.vocab_size, len(distinct) + 1, call="CharTokenizer(CORPUS).vocab_size")
    ids = tokenizer.encode("".join(distinct))
    assert_tensor(
        ids,
        torch.arange(1, len(distinct) + 1),
        call="tokenizer.encode(the corpus's sorted distinct characters)",
    )


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        pytest.param("hello world", "w", id="unseen-letter"),
        pytest.param("hole!", "!", id="unseen-punctuation"),
        pytest.param("Hello", "H", id="other-case"),
    ],
)
def test_an_unknown_character_raises_a_value_error_that_names_it(text, unknown):
    tokenizer = CharTokenizer("hello ")
    # <pad>=0, " "=1, e=2, h=3, l=4, o=5
    assert_tensor(tokenizer.encode("hole"), ids_tensor([3, 5, 4, 2]), call='encode("hole")')
    with pytest.raises(ValueError) as raised:
        tokenizer.encode(text)
    message = str(raised.value)
    assert unknown in message, (
        f'CharTokenizer("hello ").encode({text!r}) raised ValueError({message!r}); the message '
        f"must name the unknown character {unknown!r} so the learner can see what went wrong"
    )


def test_decode_skips_padding_and_accepts_a_list():
    tokenizer = CharTokenizer("hello")
    ids = ids_tensor([2, 1, 3, 3, 4, PAD_ID, PAD_ID])
    assert_equal(tokenizer.decode(ids), "hello", call=f"tokenizer.decode({ids.tolist()})")
    assert_equal(tokenizer.decode([4, 3, 1]), "ole", call="tokenizer.decode([4, 3, 1])")


# Task 2: a padded batch


def test_encode_batch_pads_every_text_to_the_longest_one():
    tokenizer = CharTokenizer("hello")
    ids, lengths = tokenizer.encode_batch(["hello", "he", "", "oh"])
    expected = ids_tensor([[2, 1, 3, 3, 4], [2, 1, 0, 0, 0], [0, 0, 0, 0, 0], [4, 2, 0, 0, 0]])
    assert_tensor(ids, expected, call='encode_batch(["hello", "he", "", "oh"])[0]')
    assert_tensor(lengths, ids_tensor([5, 2, 0, 2]), call="encode_batch([...])[1] (lengths)")


def test_encode_batch_rows_decode_back_to_the_texts():
    tokenizer = CharTokenizer(CORPUS)
    texts = ["fox", "the lazy dog", "Zoë ✓", "a"]
    ids, lengths = tokenizer.encode_batch(texts)
    assert_equal(tuple(ids.shape), (4, 12), call="encode_batch(texts)[0].shape")
    for row, length, text in zip(ids, lengths, texts, strict=True):
        assert_equal(tokenizer.decode(row), text, call=f"decode(the row of {text!r})")
        assert_tensor(
            row[: int(length)], tokenizer.encode(text), call=f"the row of {text!r}, unpadded"
        )


def test_encode_batch_of_equal_lengths_adds_no_padding():
    tokenizer = CharTokenizer("abc")
    ids, lengths = tokenizer.encode_batch(["abc", "cba"])
    assert_tensor(ids, ids_tensor([[1, 2, 3], [3, 2, 1]]), call='encode_batch(["abc", "cba"])[0]')
    assert_tensor(lengths, ids_tensor([3, 3]), call='encode_batch(["abc", "cba"])[1]')


# Task 3: a lookup is a one-hot matrix product


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param((6,), id="sequence"),
        pytest.param((3, 4), id="batch-of-sequences"),
        pytest.param((2, 3, 5), id="three-dims"),
    ],
)
def test_one_hot_embedding_equals_the_rows_of_the_weight(shape):
    vocab_size = 11
    # The largest id is left out on purpose: the vocabulary is the weight's, not the ids'.
    ids = random_ids(*shape, vocab_size=vocab_size - 3, seed=2)
    weight = random_weight(vocab_size, 4)
    expected = F.embedding(ids, weight)
    assert_tensor(
        one_hot_embedding(ids, weight), expected, call=call("one_hot_embedding", ids, weight)
    )


def test_one_hot_embedding_equals_an_nn_embedding_with_the_same_weight_gradient_included():
    ids = ids_tensor([[1, 4, 4, 0], [4, 2, 2, 2]])  # repeated ids: their gradients add up
    embedding = nn.Embedding(6, 3)
    weight = embedding.weight.detach().clone().requires_grad_()
    upstream = random_weight(8, 3, seed=3).reshape(2, 4, 3)
    out = one_hot_embedding(ids, weight)
    assert_tensor(out, embedding(ids).detach(), call=call("one_hot_embedding", ids, weight))
    (out * upstream).sum().backward()
    (embedding(ids) * upstream).sum().backward()
    assert_tensor(
        weight.grad,
        embedding.weight.grad,
        call="one_hot_embedding(ids, weight) then backward: weight.grad",
    )


def test_one_hot_embedding_keeps_the_weight_dtype():
    ids = ids_tensor([0, 2, 1])
    weight = random_weight(3, 2, dtype=torch.float64)
    assert_tensor(
        one_hot_embedding(ids, weight), weight[ids], call=call("one_hot_embedding", ids, weight)
    )


# Task 4: nn.Embedding from scratch


@pytest.mark.parametrize(
    "padding_idx",
    [pytest.param(None, id="no-padding"), pytest.param(0, id="pad-0"), pytest.param(3, id="pad-3")],
)
def test_embedding_holds_a_registered_weight_with_a_zero_padding_row(padding_idx):
    torch.manual_seed(0)
    embedding = Embedding(400, 50, padding_idx=padding_idx)
    made = f"Embedding(400, 50, padding_idx={padding_idx})"
    assert isinstance(embedding.weight, nn.Parameter), f"{made}.weight must be an nn.Parameter"
    names = [name for name, _ in embedding.named_parameters()]
    assert_equal(names, ["weight"], call=f"[name for name, _ in {made}.named_parameters()]")
    assert_equal(tuple(embedding.weight.shape), (400, 50), call=f"{made}.weight.shape")
    weight = embedding.weight.detach()
    zero_rows = (weight == 0).all(dim=1).nonzero().flatten().tolist()
    expected_zero_rows = [] if padding_idx is None else [padding_idx]
    assert_equal(zero_rows, expected_zero_rows, call=f"the all-zero rows of {made}.weight")
    others = weight[(weight != 0).any(dim=1)]
    mean, std = others.mean().item(), others.std().item()
    assert abs(mean) < 0.05 and abs(std - 1) < 0.05, (
        f"{made}.weight has mean {mean:.3f} and std {std:.3f}; expected draws from N(0, 1) "
        f"like nn.Embedding's (mean 0, std 1)"
    )


@pytest.mark.parametrize(
    "padding_idx",
    [pytest.param(None, id="no-padding"), pytest.param(0, id="pad-0"), pytest.param(3, id="pad-3")],
)
def test_embedding_equals_nn_embedding_with_copied_weights_gradients_included(padding_idx):
    reference = nn.Embedding(7, 4, padding_idx=padding_idx)
    with torch.no_grad():
        reference.weight.copy_(random_weight(7, 4, seed=4))  # a padding row that is not zero
    embedding = Embedding(7, 4, padding_idx=padding_idx)
    embedding.load_state_dict(reference.state_dict())
    ids = ids_tensor([[0, 3, 3, 1], [6, 0, 2, 3]])
    made = f"Embedding(7, 4, padding_idx={padding_idx}) with nn.Embedding's weight"
    out = embedding(ids)
    expected = reference(ids)
    assert_tensor(out, expected.detach(), call=f"{made}({ids.tolist()})")
    upstream = random_weight(8, 4, seed=5).reshape(2, 4, 4)
    (out * upstream).sum().backward()
    (expected * upstream).sum().backward()
    assert_tensor(embedding.weight.grad, reference.weight.grad, call=f"{made}: weight.grad")


def test_the_padding_row_gets_no_gradient_and_survives_training():
    embedding = Embedding(5, 3, padding_idx=2)
    ids = ids_tensor([[2, 2, 1, 2], [4, 2, 0, 2]])
    upstream = random_weight(8, 3, seed=10).reshape(2, 4, 3)
    for step in range(3):
        embedding.weight.grad = None
        (embedding(ids) * upstream).sum().backward()
        grad = embedding.weight.grad
        assert_tensor(
            grad[2],
            torch.zeros(3),
            call="(Embedding(5, 3, padding_idx=2)(ids) * upstream).sum().backward(); weight.grad[2]",
        )
        assert bool((grad[[0, 1, 4]] != 0).all()), (
            f"step {step}: rows 0, 1 and 4 are used and are not padding, so their gradient "
            f"must not be zero; weight.grad = {grad.tolist()}"
        )
        with torch.no_grad():  # a plain SGD step, lr 0.1
            embedding.weight -= 0.1 * embedding.weight.grad
    assert_tensor(
        embedding.weight.detach()[2], torch.zeros(3), call="weight[2] after three SGD steps"
    )


def test_embedding_accepts_ids_of_any_shape():
    embedding = Embedding(9, 2, padding_idx=0)
    for shape in [(5,), (2, 3), (2, 2, 2)]:
        ids = random_ids(*shape, vocab_size=9, seed=6)
        assert_tensor(
            embedding(ids),
            embedding.weight.detach()[ids],
            call=f"Embedding(9, 2, padding_idx=0)(ids of shape {shape})",
        )


# Task 5: the mean embedding of a padded row


@pytest.mark.parametrize("padding_idx", [pytest.param(0, id="pad-0"), pytest.param(5, id="pad-5")])
def test_mean_embedding_equals_embedding_bag(padding_idx):
    ids = random_ids(4, 6, vocab_size=8, seed=7)
    ids[0, 3:] = padding_idx
    ids[2, 1:] = padding_idx
    ids[3, ::2] = padding_idx
    weight = random_weight(8, 5, seed=8)
    expected = F.embedding_bag(ids, weight, mode="mean", padding_idx=padding_idx)
    assert_tensor(
        mean_embedding(ids, weight, padding_idx),
        expected,
        call=call("mean_embedding", ids, weight, padding_idx),
    )


def test_a_row_of_padding_only_gives_zeros_and_the_padding_row_gets_no_gradient():
    ids = ids_tensor([[3, 1, 0, 0], [0, 0, 0, 0], [2, 2, 2, 1]])
    weight = random_weight(4, 3, seed=9).requires_grad_()
    out = mean_embedding(ids, weight, 0)
    reference_weight = weight.detach().clone().requires_grad_()
    expected = F.embedding_bag(ids, reference_weight, mode="mean", padding_idx=0)
    assert_tensor(out, expected.detach(), call=call("mean_embedding", ids, weight, 0))
    out.sum().backward()
    expected.sum().backward()
    assert_tensor(
        weight.grad,
        reference_weight.grad,
        call="mean_embedding(ids, weight, 0).sum().backward(); weight.grad",
    )
