"""Divides by the raw counts: a class never predicted (or never present) gets NaN instead of 0."""

from solution import *


def precision_recall_f1(predictions, targets, num_classes):
    matrix = confusion_matrix(predictions, targets, num_classes).float()
    tp = matrix.diagonal()
    precision = tp / matrix.sum(dim=0)
    recall = tp / matrix.sum(dim=1)
    return precision, recall, 2 * precision * recall / (precision + recall)
