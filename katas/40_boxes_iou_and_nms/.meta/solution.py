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
    # BEGIN SOLUTION: Task 1: take the four columns apart and rebuild them in the other order
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "xyxy":
        return boxes.clone()
    if in_fmt == "xywh":
        return torch.stack([a, b, a + c, b + d], dim=-1)
    if in_fmt == "cxcywh":
        return torch.stack([a - c / 2, b - d / 2, a + c / 2, b + d / 2], dim=-1)
    raise ValueError(f"unknown box format {in_fmt!r}")
    # END SOLUTION


def from_xyxy(boxes: torch.Tensor, out_fmt: str) -> torch.Tensor:
    """Task 1. Boxes (N, 4) in "xyxy" -> (N, 4) in `out_fmt` ("xyxy", "xywh" or "cxcywh")."""
    # BEGIN SOLUTION: Task 1: the width is the difference of the corners, the centre their average
    x1, y1, x2, y2 = boxes.unbind(-1)
    if out_fmt == "xyxy":
        return boxes.clone()
    if out_fmt == "xywh":
        return torch.stack([x1, y1, x2 - x1, y2 - y1], dim=-1)
    if out_fmt == "cxcywh":
        return torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim=-1)
    raise ValueError(f"unknown box format {out_fmt!r}")
    # END SOLUTION


def convert_boxes(boxes: torch.Tensor, in_fmt: str, out_fmt: str) -> torch.Tensor:
    """Task 1. Boxes (N, 4) from `in_fmt` to `out_fmt`, like torchvision.ops.box_convert."""
    # BEGIN SOLUTION: Task 1: go through xyxy
    return from_xyxy(to_xyxy(boxes, in_fmt), out_fmt)
    # END SOLUTION


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """Task 2. The area of each box: (N, 4) xyxy -> (N,)."""
    # BEGIN SOLUTION: Task 2: width times height
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    # END SOLUTION


def box_iou(boxes1: torch.Tensor, boxes2: torch.Tensor) -> torch.Tensor:
    """Task 3. Intersection over union of every pair: (N, 4) and (M, 4) xyxy -> (N, M).

    iou[i, j] = area(boxes1[i] ∩ boxes2[j]) / area(boxes1[i] ∪ boxes2[j]); 0 for disjoint boxes.
    """
    # BEGIN SOLUTION: Task 3: the overlap of two boxes is itself a box, possibly empty; do every pair at once
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])  # (N, M, 2)
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])  # (N, M, 2)
    # Disjoint boxes give a negative width or height: clamp, or two negatives make a positive.
    overlap = (bottom_right - top_left).clamp(min=0)  # (N, M, 2)
    intersection = overlap[..., 0] * overlap[..., 1]  # (N, M)
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :] - intersection
    return intersection / union
    # END SOLUTION


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Task 4. Non-maximum suppression, like torchvision.ops.nms.

    boxes (N, 4) xyxy, scores (N,). Visit the boxes from the highest score down; keep a box
    unless it overlaps a box already kept with IoU > iou_threshold. Returns the indices of the
    kept boxes (K,) int64, in decreasing order of score.
    """
    # BEGIN SOLUTION: Task 4: visit the boxes from the best score down; a kept box suppresses the boxes that overlap it too much
    order = scores.argsort(descending=True)
    iou = box_iou(boxes, boxes)  # (N, N)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool, device=boxes.device)
    keep = []
    for index in order.tolist():
        if suppressed[index]:
            continue
        keep.append(index)
        # Strictly greater: a box whose IoU equals the threshold survives.
        suppressed |= iou[index] > iou_threshold
    return torch.tensor(keep, dtype=torch.int64, device=boxes.device)
    # END SOLUTION


def batched_nms(
    boxes: torch.Tensor, scores: torch.Tensor, classes: torch.Tensor, iou_threshold: float
) -> torch.Tensor:
    """Task 5. NMS within each class, like torchvision.ops.batched_nms: boxes of different
    classes never suppress each other. classes (N,) int64. Returns (K,) int64 indices in
    decreasing order of score."""
    # BEGIN SOLUTION: Task 5: boxes of different classes never suppress each other
    keep = [
        torch.nonzero(classes == c).flatten()[
            nms(boxes[classes == c], scores[classes == c], iou_threshold)
        ]
        for c in classes.unique()
    ]
    kept = torch.cat(keep) if keep else torch.zeros(0, dtype=torch.int64, device=boxes.device)
    return kept[scores[kept].argsort(descending=True)]
    # END SOLUTION
