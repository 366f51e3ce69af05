"""Suppresses boxes with IoU >= threshold; torchvision suppresses only IoU > threshold."""

from solution import *


def nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    iou = box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for index in order.tolist():
        if not suppressed[index]:
            keep.append(index)
            suppressed |= iou[index] >= iou_threshold
    return torch.tensor(keep, dtype=torch.int64)
