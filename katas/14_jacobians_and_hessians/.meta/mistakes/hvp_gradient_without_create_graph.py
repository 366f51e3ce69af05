"""Takes the gradient without create_graph=True, so it cannot be differentiated a second time."""

from solution import *


def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(f(x), x)
    (product,) = torch.autograd.grad(gradient, x, v, allow_unused=True)
    return product
