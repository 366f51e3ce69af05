"""Reshapes (N, C, H, W) to (N, H, W, C): the shape is right but reshape keeps the memory order,
so channels and pixels are scrambled."""

from solution import *


def to_nhwc(images):
    n, c, h, w = images.shape
    return images.reshape(n, h, w, c)
