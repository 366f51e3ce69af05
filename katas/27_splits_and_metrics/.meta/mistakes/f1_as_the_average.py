"""Takes F1 as the arithmetic mean of precision and recall instead of their harmonic mean."""

from solution import *


def precision_recall_f1(predictions, targets, num_classes):
    matrix = confusion_matrix(predictions, targets, num_classes).float()
    tp = matrix.diagonal()
    precision = tp / matrix.sum(dim=0).clamp(min=1)
    recall = tp / matrix.sum(dim=1).clamp(min=1)
    return precision, recall, (precision + recall) / 2


def macro_f1(predictions, targets, num_classes):
    return precision_recall_f1(predictions, targets, num_classes)[2].mean().item()
