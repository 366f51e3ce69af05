"""Computes the output size without dilation, so the dilated result cannot be shaped back."""

from solution import *


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))
    out = weight.reshape(c_out, -1) @ columns
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.reshape(n, c_out, -1)[..., : h_out * w_out].reshape(n, c_out, h_out, w_out)
