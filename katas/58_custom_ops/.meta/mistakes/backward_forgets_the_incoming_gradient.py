"""Returns the local derivative alone: right only when the loss is a plain sum."""

from solution import *


@torch.library.custom_op("katas_mistake::numpy_silu", mutates_args=())
def numpy_silu(x: Tensor) -> Tensor:
    x_np = x.detach().cpu().numpy()
    return torch.from_numpy(x_np / (1.0 + np.exp(-x_np))).to(x.device)


numpy_silu.register_fake(numpy_silu_fake)


def numpy_silu_backward(ctx, grad_output):
    (x,) = ctx.saved_tensors
    s = torch.sigmoid(x)
    return s * (1 + x * (1 - s))


numpy_silu.register_autograd(numpy_silu_backward, setup_context=numpy_silu_setup_context)
