"""Returns a gradient for a and None for b, as if the second set of points were constants."""

from solution import *


@torch.library.custom_op("katas_mistake::pairwise_sq_dist", mutates_args=())
def pairwise_sq_dist(a: Tensor, b: Tensor) -> Tensor:
    a_np, b_np = a.detach().cpu().numpy(), b.detach().cpu().numpy()
    diff = a_np[:, None, :] - b_np[None, :, :]
    return torch.from_numpy((diff**2).sum(axis=-1)).to(a.device)


pairwise_sq_dist.register_fake(pairwise_sq_dist_fake)


def pairwise_sq_dist_backward(ctx, grad_output):
    a, b = ctx.saved_tensors
    grad_a = 2 * (grad_output.sum(dim=1, keepdim=True) * a - grad_output @ b)
    return grad_a, None


pairwise_sq_dist.register_autograd(
    pairwise_sq_dist_backward, setup_context=pairwise_sq_dist_setup_context
)
