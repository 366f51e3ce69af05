"""Splits the unfolded rows into groups the wrong way round, so each group mixes every input channel."""

from solution import *


def conv2d_grouped(x, weight, bias=None, stride=1, padding=0, groups=1):
    n, _, h, w = x.shape
    c_out, c_per_group, kh, kw = weight.shape
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    columns = F.unfold(x, (kh, kw), padding=(ph, pw), stride=(sh, sw))
    columns = columns.view(n, c_per_group * kh * kw, groups, -1).transpose(1, 2)
    rows = weight.reshape(groups, c_out // groups, -1)
    out = (rows @ columns).reshape(n, c_out, -1)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, h_out, w_out)
