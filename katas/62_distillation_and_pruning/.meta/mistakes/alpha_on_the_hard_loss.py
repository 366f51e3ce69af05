"""Puts alpha on the cross-entropy and 1 - alpha on the distillation term: the weights swapped."""

from solution import *


def combined_loss(student_logits, teacher_logits, labels, temperature, alpha):
    soft = distillation_loss(student_logits, teacher_logits, temperature)
    hard = F.cross_entropy(student_logits, labels)
    return (1 - alpha) * soft + alpha * hard
