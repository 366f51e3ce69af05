"""Uses the tanh approximation for both modes: close, but not the exact GELU (errors ~1e-4)."""

from solution import *


def gelu(x, approximate="none"):
    inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1 + torch.tanh(inner))
