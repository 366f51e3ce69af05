"""Swaps the groups: the new, random head gets the small learning rate, the backbone the large."""

from solution import *


def param_groups(model, head_lr, backbone_lr):
    head = list(model.fc.parameters())
    backbone = [p for name, p in model.named_parameters() if not name.startswith("fc.")]
    return [{"params": backbone, "lr": head_lr}, {"params": head, "lr": backbone_lr}]
