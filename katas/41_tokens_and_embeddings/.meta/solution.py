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
        # BEGIN SOLUTION: Task 1: the distinct characters, sorted, after the padding token
        self.itos = [PAD, *sorted(set(text))]  # id -> token
        self.stoi = {token: i for i, token in enumerate(self.itos)}  # token -> id
        # END SOLUTION

    @property
    def vocab_size(self) -> int:
        # BEGIN SOLUTION: Task 1: how many ids there are, padding included
        return len(self.itos)
        # END SOLUTION

    def encode(self, text: str) -> torch.Tensor:
        # BEGIN SOLUTION: Task 1: look each character up; an unknown one is the caller's error
        unknown = [ch for ch in text if ch not in self.stoi]
        if unknown:
            raise ValueError(f"character {unknown[0]!r} is not in the vocabulary")
        return torch.tensor([self.stoi[ch] for ch in text], dtype=torch.int64)  # (T,)
        # END SOLUTION

    def decode(self, ids) -> str:
        # BEGIN SOLUTION: Task 1: ids back to characters, leaving padding out
        ids = torch.as_tensor(ids).tolist()
        return "".join(self.itos[i] for i in ids if i != PAD_ID)
        # END SOLUTION

    def encode_batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 2. Encode several texts into one rectangular batch.

        Returns (ids, lengths): ids (B, T) int64 with T the longest text's length, each row a
        text's ids followed by PAD_ID up to T; lengths (B,) int64, each text's length.
        """
        # BEGIN SOLUTION: Task 2: start from a batch full of padding, then copy each row in
        rows = [self.encode(text) for text in texts]
        lengths = torch.tensor([len(row) for row in rows], dtype=torch.int64)  # (B,)
        longest = int(lengths.max()) if len(rows) else 0
        ids = torch.full((len(rows), longest), PAD_ID, dtype=torch.int64)  # (B, T)
        for b, row in enumerate(rows):
            ids[b, : len(row)] = row
        return ids, lengths
        # END SOLUTION


def one_hot_embedding(ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Task 3. An embedding lookup written as a matrix product: one_hot(ids) @ weight.

    ids: int64 tensor of any shape (...), values in [0, V). weight: (V, D) float.
    Returns (..., D) in weight's dtype, equal to weight[ids] (and to nn.Embedding with this
    weight), with the same gradient with respect to weight.
    """
    # BEGIN SOLUTION: Task 3: a one-hot row picks one row of the weight matrix
    vocab_size = weight.shape[0]
    one_hot = torch.nn.functional.one_hot(ids, vocab_size).to(weight.dtype)  # (...) -> (..., V)
    return one_hot @ weight  # (..., V) @ (V, D) -> (..., D)
    # END SOLUTION


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
        # BEGIN SOLUTION: Task 4: a normal weight matrix whose padding row starts at zero
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0.0
        # END SOLUTION

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 4: select rows; the padding row must stay out of the graph
        weight = self.weight
        if self.padding_idx is not None:
            is_padding_row = torch.zeros(weight.shape[0], 1, dtype=torch.bool, device=weight.device)
            is_padding_row[self.padding_idx] = True
            # Same values, but the padding row is read from a detached copy: no gradient.
            weight = torch.where(is_padding_row, weight.detach(), weight)  # (V, D)
        return weight[ids]  # (...) -> (..., D)
        # END SOLUTION


def mean_embedding(ids: torch.Tensor, weight: torch.Tensor, padding_idx: int) -> torch.Tensor:
    """Task 5. The average embedding of each row of ids, padding left out.

    ids: (B, T) int64, each row a padded sequence. weight: (V, D) float.
    Returns (B, D): for each row, the mean of weight[id] over its ids that are not padding_idx
    (a row of padding only gives zeros), equal to
    F.embedding_bag(ids, weight, mode="mean", padding_idx=padding_idx).
    """
    # BEGIN SOLUTION: Task 5: sum the real tokens, divide by how many there are
    keep = (ids != padding_idx).unsqueeze(-1).to(weight.dtype)  # (B, T, 1)
    summed = (weight[ids] * keep).sum(dim=1)  # (B, T, D) -> (B, D)
    count = keep.sum(dim=1).clamp(min=1)  # (B, 1); an all-padding row divides 0 by 1
    return summed / count
    # END SOLUTION
