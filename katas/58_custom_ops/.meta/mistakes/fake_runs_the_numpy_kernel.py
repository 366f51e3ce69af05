"""Computes the real result in the fake: a FakeTensor or meta tensor has no data for NumPy."""

from solution import *


def _silu_in_numpy(x):
    x_np = x.detach().cpu().numpy()
    return torch.from_numpy(x_np / (1.0 + np.exp(-x_np))).to(x.device)


@torch.library.custom_op("katas_mistake::numpy_silu", mutates_args=())
def numpy_silu(x: Tensor) -> Tensor:
    return _silu_in_numpy(x)


@numpy_silu.register_fake
def numpy_silu_fake(x):
    return _silu_in_numpy(x)


numpy_silu.register_autograd(numpy_silu_backward, setup_context=numpy_silu_setup_context)
