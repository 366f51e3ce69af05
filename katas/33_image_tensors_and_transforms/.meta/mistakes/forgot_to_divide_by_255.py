"""Converts to float without dividing by 255: values run 0..255 instead of 0..1."""

from solution import *


def to_float_chw(image):
    return image.permute(2, 0, 1).float()


def to_uint8_hwc(image):
    return image.clamp(0, 255).round().to(torch.uint8).permute(1, 2, 0)
