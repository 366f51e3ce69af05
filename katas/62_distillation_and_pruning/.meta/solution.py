"""Kata 62: distillation and pruning.

Fill in every function below; `katas/62_distillation_and_pruning/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/62_distillation_and_pruning
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune


def distillation_loss(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float
) -> torch.Tensor:
    """Task 1. Hinton's distillation loss: T² · KL(p_teacher || p_student), where both
    distributions are softmaxes of the logits divided by T = temperature, summed over classes
    and averaged over the batch.

    student_logits, teacher_logits: (N, C), any magnitude (computed stably).
    Returns a 0-d tensor. Gradients reach the student only: the teacher's logits are targets,
    so a teacher_logits that requires grad receives none.
    """
    # BEGIN SOLUTION: Task 1: soften both with T, KL from teacher to student, batch mean, times T²
    teacher_log_probs = F.log_softmax(teacher_logits.detach() / temperature, dim=-1)  # (N, C)
    student_log_probs = F.log_softmax(student_logits / temperature, dim=-1)  # (N, C)
    # KL(p || q) = sum_c p_c (log p_c - log q_c); "batchmean" divides by N, not by N * C.
    kl = F.kl_div(student_log_probs, teacher_log_probs, reduction="batchmean", log_target=True)
    # Soft gradients scale as 1/T²: multiplying by T² keeps them comparable across temperatures.
    return kl * temperature**2
    # END SOLUTION


def combined_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
    alpha: float,
) -> torch.Tensor:
    """Task 2. alpha · distillation_loss + (1 - alpha) · cross-entropy of the student's logits
    (at temperature 1) against the true labels (N,) int64. A 0-d tensor."""
    # BEGIN SOLUTION: Task 2: a weighted sum of the soft and the hard loss
    soft = distillation_loss(student_logits, teacher_logits, temperature)
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + (1 - alpha) * hard
    # END SOLUTION


def distill_step(
    student: nn.Module,
    teacher: nn.Module,
    optimizer: torch.optim.Optimizer,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
    alpha: float,
) -> float:
    """Task 3. One optimisation step of the student on combined_loss; returns the loss as a float.

    The teacher is frozen: it runs in eval mode (no dropout) without building a graph, and its
    parameters never change. The student runs in training mode; the optimizer holds the
    student's parameters.
    """
    # BEGIN SOLUTION: Task 3: a frozen teacher's targets, then an ordinary training step
    teacher.eval()
    with torch.no_grad():
        teacher_logits = teacher(inputs)
    student.train()
    loss = combined_loss(student(inputs), teacher_logits, labels, temperature, alpha)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
    # END SOLUTION


def prune_globally(model: nn.Module, amount: float) -> None:
    """Task 4. Magnitude pruning with torch.nn.utils.prune: zero the fraction `amount` of all
    nn.Linear weights of the model with the smallest absolute values, ranked across all layers
    together (a layer of small weights loses more than a layer of large ones). Biases are not
    pruned.

    The pruning is a mask: each pruned layer keeps `weight_orig` and a `weight_mask` buffer, and
    its `weight` is recomputed as their product on every forward, so pruned weights stay zero
    while the model trains. Exactly round(amount * total) weights are zero afterwards.
    """
    # BEGIN SOLUTION: Task 4: one ranking over every Linear weight, applied as masks
    targets = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=amount)
    # END SOLUTION


def make_pruning_permanent(model: nn.Module) -> None:
    """Task 5. Fold every mask into its weight (prune.remove): afterwards each pruned layer has a
    plain `weight` Parameter holding the zeros, no `weight_orig` or `weight_mask`, no pruning
    hook, and the model's state_dict has the keys of an unpruned model (it loads into one).
    Does nothing to layers that were not pruned."""
    # BEGIN SOLUTION: Task 5: for each pruned module, make the masked weight the real one
    for module in model.modules():
        if prune.is_pruned(module) and hasattr(module, "weight_mask"):
            prune.remove(module, "weight")
    # END SOLUTION
