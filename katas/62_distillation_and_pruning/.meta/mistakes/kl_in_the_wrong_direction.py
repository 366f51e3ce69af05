"""Computes KL(student || teacher): F.kl_div's arguments swapped, a different divergence."""

from solution import *


def distillation_loss(student_logits, teacher_logits, temperature):
    teacher_log_probs = F.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    student_log_probs = F.log_softmax(student_logits / temperature, dim=-1)
    kl = F.kl_div(teacher_log_probs, student_log_probs, reduction="batchmean", log_target=True)
    return kl * temperature**2
