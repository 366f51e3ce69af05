"""Runs the teacher as it comes, in training mode: its dropout makes the targets noisy."""

from solution import *


def distill_step(student, teacher, optimizer, inputs, labels, temperature, alpha):
    with torch.no_grad():
        teacher_logits = teacher(inputs)
    student.train()
    loss = combined_loss(student(inputs), teacher_logits, labels, temperature, alpha)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
