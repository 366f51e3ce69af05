"""Divides by std before subtracting the mean (and inverts in the wrong order too)."""

from solution import *


def normalize(image, mean, std):
    mean_c11 = torch.tensor(mean, dtype=image.dtype).view(-1, 1, 1)
    std_c11 = torch.tensor(std, dtype=image.dtype).view(-1, 1, 1)
    return image / std_c11 - mean_c11


def denormalize(image, mean, std):
    mean_c11 = torch.tensor(mean, dtype=image.dtype).view(-1, 1, 1)
    std_c11 = torch.tensor(std, dtype=image.dtype).view(-1, 1, 1)
    return (image + mean_c11) * std_c11
