"""Converts cxcywh with the full width and height from the centre instead of half of them."""

from solution import *


def to_xyxy(boxes, in_fmt):
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "cxcywh":
        return torch.stack([a - c, b - d, a + c, b + d], dim=-1)
    if in_fmt == "xywh":
        return torch.stack([a, b, a + c, b + d], dim=-1)
    return boxes.clone()


def convert_boxes(boxes, in_fmt, out_fmt):
    return from_xyxy(to_xyxy(boxes, in_fmt), out_fmt)
