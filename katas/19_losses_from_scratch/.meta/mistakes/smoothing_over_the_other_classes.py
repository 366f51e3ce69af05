"""Spreads eps over the C - 1 wrong classes, not over all C: a different target from PyTorch's."""

from solution import *


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    log_probs = torch.log_softmax(logits, dim=1)
    num_classes = logits.shape[1]
    keep = target != ignore_index
    safe_target = torch.where(keep, target, torch.zeros_like(target))
    smoothed = torch.full_like(log_probs, label_smoothing / (num_classes - 1))
    smoothed.scatter_(1, safe_target.unsqueeze(1), 1 - label_smoothing)
    per_sample = -(smoothed * log_probs).sum(dim=1)
    return (per_sample * keep).sum() / keep.sum()
