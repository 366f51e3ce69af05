"""Takes the log of sigmoid directly: sigmoid(-1000) is 0 in float32, so the loss is inf."""

from solution import *


def bce_with_logits(logits, target):
    probability = torch.sigmoid(logits)
    per_element = -(target * torch.log(probability) + (1 - target) * torch.log(1 - probability))
    return per_element.mean()
