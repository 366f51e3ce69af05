"""Subtracts the (C,) mean directly: it broadcasts along the last dimension, the width, so it
raises unless W == C, and when W == C it silently normalises columns of pixels instead."""

from solution import *


def normalize_channels(images, mean, std):
    return (images - mean) / std
