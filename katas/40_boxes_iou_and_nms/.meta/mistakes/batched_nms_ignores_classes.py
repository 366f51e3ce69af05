"""Runs one NMS over all boxes, so a box of one class suppresses boxes of another."""

from solution import *


def batched_nms(boxes, scores, classes, iou_threshold):
    return nms(boxes, scores, iou_threshold)
