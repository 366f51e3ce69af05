"""Averages F1 only over the classes present in the targets, so classes that never occur are skipped."""

from solution import *


def macro_f1(predictions, targets, num_classes):
    _, _, f1 = precision_recall_f1(predictions, targets, num_classes)
    present = torch.bincount(targets, minlength=num_classes) > 0
    return f1[present].mean().item()
