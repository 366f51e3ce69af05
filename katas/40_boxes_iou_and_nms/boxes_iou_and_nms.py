"""Kata 40: boxes, IoU and NMS.

Fill in every function below; `katas/40_boxes_iou_and_nms/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/40_boxes_iou_and_nms

Boxes are float tensors of shape (N, 4), one box per row, in one of three formats:
  "xyxy":   (x1, y1, x2, y2), the top-left and bottom-right corners
  "xywh":   (x1, y1, w, h), the top-left corner, width and height
  "cxcywh": (cx, cy, w, h), the centre, width and height
"""

import torch


def to_xyxy(boxes: torch.Tensor, in_fmt: str) -> torch.Tensor:
    """Task 1. Boxes (N, 4) in `in_fmt` ("xyxy", "xywh" or "cxcywh") -> (N, 4) in "xyxy"."""
    raise NotImplementedError(
        "Task 1: take the four columns apart and rebuild them in the other order"
    )


def from_xyxy(boxes: torch.Tensor, out_fmt: str) -> torch.Tensor:
    """Task 1. Boxes (N, 4) in "xyxy" -> (N, 4) in `out_fmt` ("xyxy", "xywh" or "cxcywh")."""
    raise NotImplementedError(
        "Task 1: the width is the difference of the corners, the centre their average"
    )


def convert_boxes(boxes: torch.Tensor, in_fmt: str, out_fmt: str) -> torch.Tensor:
    """Task 1. Boxes (N, 4) from `in_fmt` to `out_fmt`, like torchvision.ops.box_convert."""
    raise NotImplementedError("Task 1: go through xyxy")


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """Task 2. The area of each box: (N, 4) xyxy -> (N,)."""
    raise NotImplementedError("Task 2: width times height")


def box_iou(boxes1: torch.Tensor, boxes2: torch.Tensor) -> torch.Tensor:
    """Task 3. Intersection over union of every pair: (N, 4) and (M, 4) xyxy -> (N, M).

    iou[i, j] = area(boxes1[i] ∩ boxes2[j]) / area(boxes1[i] ∪ boxes2[j]); 0 for disjoint boxes.
    """
    raise NotImplementedError(
        "Task 3: the overlap of two boxes is itself a box, possibly empty; do every pair at once"
    )


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Task 4. Non-maximum suppression, like torchvision.ops.nms.

    boxes (N, 4) xyxy, scores (N,). Visit the boxes from the highest score down; keep a box
    unless it overlaps a box already kept with IoU > iou_threshold. Returns the indices of the
    kept boxes (K,) int64, in decreasing order of score.
    """
    raise NotImplementedError(
        "Task 4: visit the boxes from the best score down; a kept box suppresses the boxes that "
        "overlap it too much"
    )


def batched_nms(
    boxes: torch.Tensor, scores: torch.Tensor, classes: torch.Tensor, iou_threshold: float
) -> torch.Tensor:
    """Task 5. NMS within each class, like torchvision.ops.batched_nms: boxes of different
    classes never suppress each other. classes (N,) int64. Returns (K,) int64 indices in
    decreasing order of score."""
    raise NotImplementedError("Task 5: boxes of different classes never suppress each other")
