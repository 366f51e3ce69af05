"""Counts the padding once, though Conv2d pads both sides of each dimension."""

from solution import *


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return (size + padding - kernel_size) // stride + 1
