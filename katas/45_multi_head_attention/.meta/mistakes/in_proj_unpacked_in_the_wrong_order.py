"""Unpacks in_proj_weight as keys, queries, values: PyTorch packs queries first."""

from solution import *


def _copy_weights_from(self, other):
    w_k, w_q, w_v = other.in_proj_weight.chunk(3, dim=0)
    b_k, b_q, b_v = other.in_proj_bias.chunk(3)
    with torch.no_grad():
        for linear, w, b in [
            (self.q_proj, w_q, b_q),
            (self.k_proj, w_k, b_k),
            (self.v_proj, w_v, b_v),
        ]:
            linear.weight.copy_(w)
            linear.bias.copy_(b)
        self.out_proj.weight.copy_(other.out_proj.weight)
        self.out_proj.bias.copy_(other.out_proj.bias)
    return self


MultiHeadAttention.copy_weights_from = _copy_weights_from
