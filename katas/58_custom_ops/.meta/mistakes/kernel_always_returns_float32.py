"""Casts to float32 in NumPy "to be safe": float64 inputs come back in the wrong dtype."""

from solution import *


@torch.library.custom_op("katas_mistake::numpy_silu", mutates_args=())
def numpy_silu(x: Tensor) -> Tensor:
    x_np = x.detach().cpu().numpy().astype(np.float32)
    return torch.from_numpy(x_np / (1.0 + np.exp(-x_np))).to(x.device)


numpy_silu.register_fake(numpy_silu_fake)
numpy_silu.register_autograd(numpy_silu_backward, setup_context=numpy_silu_setup_context)
