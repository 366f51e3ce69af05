"""Forgets that the teacher's logits are targets: gradients flow into the teacher."""

from solution import *


def distillation_loss(student_logits, teacher_logits, temperature):
    teacher_log_probs = F.log_softmax(teacher_logits / temperature, dim=-1)
    student_log_probs = F.log_softmax(student_logits / temperature, dim=-1)
    kl = F.kl_div(student_log_probs, teacher_log_probs, reduction="batchmean", log_target=True)
    return kl * temperature**2
