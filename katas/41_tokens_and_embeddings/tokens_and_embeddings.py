"""Kata 41: tokens and embeddings.

Fill in every function below; `katas/41_tokens_and_embeddings/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/41_tokens_and_embeddings
"""

import torch
from torch import nn

PAD = "<pad>"
PAD_ID = 0


class CharTokenizer:
    """Tasks 1 and 2. A character-level tokenizer built from a training text.

    The vocabulary is "<pad>" at id 0, then every distinct character of `text`, sorted
    (by Unicode code point), at ids 1, 2, ...: CharTokenizer("hello") has the vocabulary
    ["<pad>", "e", "h", "l", "o"] and vocab_size 5.
      - `vocab_size`: the number of ids (padding included).
      - `encode(s)`: a 1-D int64 tensor of ids, one per character of s (shape (0,) for "").
        A character that is not in the vocabulary raises a ValueError whose message names it.
      - `decode(ids)`: the string back, from a 1-D tensor (or list) of ids; padding ids are
        skipped, so decode(encode(s)) == s and decoding a padded row gives the text alone.
      - `encode_batch(texts)`: Task 2, see its docstring.
    """

    def __init__(self, text: str):
        raise NotImplementedError(
            "Task 1: the distinct characters, sorted, after the padding token"
        )

    @property
    def vocab_size(self) -> int:
        raise NotImplementedError("Task 1: how many ids there are, padding included")

    def encode(self, text: str) -> torch.Tensor:
        raise NotImplementedError(
            "Task 1: look each character up; an unknown one is the caller's error"
        )

    def decode(self, ids) -> str:
        raise NotImplementedError("Task 1: ids back to characters, leaving padding out")

    def encode_batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 2. Encode several texts into one rectangular batch.

        Returns (ids, lengths): ids (B, T) int64 with T the longest text's length, each row a
        text's ids followed by PAD_ID up to T; lengths (B,) int64, each text's length.
        """
        raise NotImplementedError(
            "Task 2: start from a batch full of padding, then copy each row in"
        )


def one_hot_embedding(ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Task 3. An embedding lookup written as a matrix product: one_hot(ids) @ weight.

    ids: int64 tensor of any shape (...), values in [0, V). weight: (V, D) float.
    Returns (..., D) in weight's dtype, equal to weight[ids] (and to nn.Embedding with this
    weight), with the same gradient with respect to weight.
    """
    raise NotImplementedError("Task 3: a one-hot row picks one row of the weight matrix")


class Embedding(nn.Module):
    """Task 4. nn.Embedding from scratch, padding_idx included.

    Embedding(num_embeddings, embedding_dim, padding_idx=None) holds `weight`, an
    nn.Parameter of shape (num_embeddings, embedding_dim) drawn from N(0, 1), with the row
    `padding_idx` (when given) set to zeros.
    forward(ids): (...) int64 -> (..., embedding_dim), the rows of weight that ids select.
    The row `padding_idx` never receives a gradient (its .grad row stays exactly zero), so
    training leaves it as it is; every other row gets the same gradient as in nn.Embedding.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None):
        super().__init__()
        raise NotImplementedError("Task 4: a normal weight matrix whose padding row starts at zero")

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Task 4: select rows; the padding row must stay out of the graph")


def mean_embedding(ids: torch.Tensor, weight: torch.Tensor, padding_idx: int) -> torch.Tensor:
    """Task 5. The average embedding of each row of ids, padding left out.

    ids: (B, T) int64, each row a padded sequence. weight: (V, D) float.
    Returns (B, D): for each row, the mean of weight[id] over its ids that are not padding_idx
    (a row of padding only gives zeros), equal to
    F.embedding_bag(ids, weight, mode="mean", padding_idx=padding_idx).
    """
    raise NotImplementedError("Task 5: sum the real tokens, divide by how many there are")
