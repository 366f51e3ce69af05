"""Flattens the weight as (C_out, kH, kW, C_in): its rows no longer line up with unfold's (C_in, kH, kW) columns."""

from solution import *


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))
    rows = weight.permute(0, 2, 3, 1).reshape(c_out, -1)
    out = rows @ columns
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, h_out, w_out)
