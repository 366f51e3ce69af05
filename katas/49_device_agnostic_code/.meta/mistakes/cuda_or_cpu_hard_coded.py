"""Asks only about CUDA: a Mac (mps) or an Intel GPU (xpu) silently runs on the CPU."""

from solution import *


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
