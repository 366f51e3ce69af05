"""Augments with a vertical flip: upside-down images, and the left-right flip never happens."""

from solution import *


def make_train_transform(size, mean, std):
    return v2.Compose([make_transform(size, mean, std), v2.RandomVerticalFlip(p=0.5)])
