"""Builds the fake with torch.empty(N, M): float32 on the CPU whatever the inputs are."""

from solution import *


@torch.library.custom_op("katas_mistake::pairwise_sq_dist", mutates_args=())
def pairwise_sq_dist(a: Tensor, b: Tensor) -> Tensor:
    a_np, b_np = a.detach().cpu().numpy(), b.detach().cpu().numpy()
    diff = a_np[:, None, :] - b_np[None, :, :]
    return torch.from_numpy((diff**2).sum(axis=-1)).to(a.device)


@pairwise_sq_dist.register_fake
def pairwise_sq_dist_fake(a, b):
    return torch.empty(a.shape[0], b.shape[0])


pairwise_sq_dist.register_autograd(
    pairwise_sq_dist_backward, setup_context=pairwise_sq_dist_setup_context
)
