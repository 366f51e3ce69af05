"""Divides by the row sums for precision and the column sums for recall: the two are swapped."""

from solution import *


def precision_recall_f1(predictions, targets, num_classes):
    matrix = confusion_matrix(predictions, targets, num_classes).float()
    tp = matrix.diagonal()
    precision = tp / matrix.sum(dim=1).clamp(min=1)
    recall = tp / matrix.sum(dim=0).clamp(min=1)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both.clamp(min=1e-12), 0.0)
    return precision, recall, f1
