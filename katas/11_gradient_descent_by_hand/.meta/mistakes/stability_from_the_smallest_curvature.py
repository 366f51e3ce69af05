"""Uses the smallest eigenvalue: the flattest direction allows a large step, the steepest one diverges."""

from solution import *


def largest_stable_learning_rate(hessian):
    return 2.0 / torch.linalg.eigvalsh(hessian)[0].item()
