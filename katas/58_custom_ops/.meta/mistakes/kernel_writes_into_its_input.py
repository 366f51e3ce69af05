"""Computes in place in the NumPy view of x (which shares x's memory), then returns a copy: the
caller's tensor is overwritten by an operator that declared mutates_args=()."""

from solution import *


@torch.library.custom_op("katas_mistake::numpy_silu", mutates_args=())
def numpy_silu(x: Tensor) -> Tensor:
    x_np = x.detach().numpy()  # shares memory with x
    x_np /= 1.0 + np.exp(-x_np)
    return torch.from_numpy(x_np).clone()


numpy_silu.register_fake(numpy_silu_fake)
numpy_silu.register_autograd(numpy_silu_backward, setup_context=numpy_silu_setup_context)
