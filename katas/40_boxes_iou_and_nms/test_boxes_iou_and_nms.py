import pytest
import torch
from boxes_iou_and_nms import batched_nms, box_area, box_iou, convert_boxes, from_xyxy, nms, to_xyxy
from torchvision import ops

from kata_helpers import assert_tensor, call

FORMATS = ("xyxy", "xywh", "cxcywh")


def random_boxes(count: int, seed: int, dtype=torch.float32) -> torch.Tensor:
    """(count, 4) xyxy boxes with positive width and height, around three clusters so that
    many of them overlap."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[10.0, 10.0], [30.0, 12.0], [18.0, 30.0]])
    centre = centres[torch.randint(0, 3, (count,), generator=g)] + 4 * torch.randn(
        count, 2, generator=g
    )
    size = 4 + 8 * torch.rand(count, 2, generator=g)
    return torch.cat([centre - size / 2, centre + size / 2], dim=1).to(dtype)


def random_scores(count: int, seed: int) -> torch.Tensor:
    """Distinct scores in (0, 1), in no particular order."""
    g = torch.Generator().manual_seed(seed)
    return torch.randperm(count, generator=g).float().add(1) / (count + 1)


@pytest.mark.parametrize("in_fmt", FORMATS)
@pytest.mark.parametrize("out_fmt", FORMATS)
def test_convert_boxes_equals_torchvision_box_convert(in_fmt, out_fmt):
    boxes = ops.box_convert(random_boxes(5, seed=1), "xyxy", in_fmt)
    expected = ops.box_convert(boxes, in_fmt, out_fmt)
    result = convert_boxes(boxes, in_fmt, out_fmt)
    assert_tensor(result, expected, call=call("convert_boxes", boxes, in_fmt, out_fmt), atol=1e-5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_to_xyxy_and_from_xyxy_equal_torchvision_box_convert(fmt):
    xyxy = random_boxes(6, seed=15)
    boxes = ops.box_convert(xyxy, "xyxy", fmt)
    assert_tensor(to_xyxy(boxes, fmt), xyxy, call=call("to_xyxy", boxes, fmt), atol=1e-5)
    assert_tensor(from_xyxy(xyxy, fmt), boxes, call=call("from_xyxy", xyxy, fmt), atol=1e-5)


def test_convert_boxes_by_hand():
    box = torch.tensor([[2.0, 4.0, 6.0, 10.0]])  # xyxy: corners (2, 4) and (6, 10)
    cases = [("xywh", [[2.0, 4.0, 4.0, 6.0]]), ("cxcywh", [[4.0, 7.0, 4.0, 6.0]])]
    for out_fmt, expected in cases:
        result = convert_boxes(box, "xyxy", out_fmt)
        assert_tensor(
            result, torch.tensor(expected), call=call("convert_boxes", box, "xyxy", out_fmt)
        )


def test_convert_boxes_keeps_float64_and_round_trips():
    boxes = random_boxes(4, seed=2, dtype=torch.float64)
    there = convert_boxes(boxes, "xyxy", "cxcywh")
    back = convert_boxes(there, "cxcywh", "xywh")
    assert_tensor(
        back,
        ops.box_convert(boxes, "xyxy", "xywh"),
        call="convert_boxes(convert_boxes(boxes, 'xyxy', 'cxcywh'), 'cxcywh', 'xywh')",
    )


def test_box_area_equals_torchvision():
    boxes = random_boxes(7, seed=3)
    assert_tensor(box_area(boxes), ops.box_area(boxes), call=call("box_area", boxes))


def test_box_area_of_one_box_is_one_element():
    boxes = torch.tensor([[1.0, 1.0, 4.0, 3.0]])
    assert_tensor(box_area(boxes), torch.tensor([6.0]), call=call("box_area", boxes))


@pytest.mark.parametrize(("n", "m"), [(6, 4), (1, 5), (3, 1)])
def test_box_iou_equals_torchvision_box_iou(n, m):
    boxes1, boxes2 = random_boxes(n, seed=4), random_boxes(m, seed=5)
    expected = ops.box_iou(boxes1, boxes2)
    assert_tensor(
        box_iou(boxes1, boxes2), expected, call=call("box_iou", boxes1, boxes2), atol=1e-6
    )


def test_box_iou_by_hand():
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    b = torch.tensor(
        [
            [0.0, 0.0, 2.0, 2.0],  # the same box: 1
            [1.0, 0.0, 3.0, 2.0],  # half overlaps: 2 / 6
            [0.0, 0.0, 1.0, 1.0],  # inside: 1 / 4
            [2.0, 0.0, 4.0, 2.0],  # touching along an edge: 0
        ]
    )
    expected = torch.tensor([[1.0, 1 / 3, 0.25, 0.0]])
    assert_tensor(box_iou(a, b), expected, call=call("box_iou", a, b))


def test_box_iou_of_boxes_apart_on_both_axes_is_zero():
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    b = torch.tensor([[5.0, 5.0, 7.0, 7.0], [-4.0, 3.0, -1.0, 6.0]])
    assert_tensor(box_iou(a, b), torch.zeros(1, 2), call=call("box_iou", a, b))


def test_box_iou_in_float64():
    boxes1, boxes2 = (
        random_boxes(3, seed=6, dtype=torch.float64),
        random_boxes(4, seed=7, dtype=torch.float64),
    )
    expected = ops.box_iou(boxes1, boxes2)
    assert_tensor(box_iou(boxes1, boxes2), expected, call=call("box_iou", boxes1, boxes2))


@pytest.mark.parametrize("iou_threshold", [0.1, 0.3, 0.5, 0.7])
def test_nms_equals_torchvision_nms(iou_threshold):
    boxes, scores = random_boxes(40, seed=8), random_scores(40, seed=9)
    expected = ops.nms(boxes, scores, iou_threshold)
    result = nms(boxes, scores, iou_threshold)
    assert_tensor(result, expected, call=call("nms", boxes, scores, iou_threshold))


def test_nms_keeps_the_best_box_of_a_cluster_whatever_its_position():
    boxes = torch.tensor([[0.0, 0, 10, 10], [1, 1, 11, 11], [0, 1, 10, 11], [20, 20, 25, 25]])
    scores = torch.tensor([0.6, 0.9, 0.7, 0.5])
    result = nms(boxes, scores, 0.5)
    assert_tensor(result, torch.tensor([1, 3]), call=call("nms", boxes, scores, 0.5))


def test_nms_keeps_a_box_whose_iou_equals_the_threshold():
    boxes = torch.tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 1.0]])  # IoU exactly 0.5
    scores = torch.tensor([0.9, 0.8])
    assert_tensor(
        nms(boxes, scores, 0.5), torch.tensor([0, 1]), call=call("nms", boxes, scores, 0.5)
    )
    assert_tensor(nms(boxes, scores, 0.4), torch.tensor([0]), call=call("nms", boxes, scores, 0.4))


def test_nms_of_no_boxes_is_an_empty_int64_tensor():
    boxes, scores = torch.zeros(0, 4), torch.zeros(0)
    result = nms(boxes, scores, 0.5)
    assert_tensor(result, torch.zeros(0, dtype=torch.int64), call=call("nms", boxes, scores, 0.5))


def test_batched_nms_equals_torchvision_batched_nms():
    boxes, scores = random_boxes(40, seed=10), random_scores(40, seed=11)
    classes = torch.randint(0, 3, (40,), generator=torch.Generator().manual_seed(12))
    expected = ops.batched_nms(boxes, scores, classes, 0.4)
    result = batched_nms(boxes, scores, classes, 0.4)
    assert_tensor(result, expected, call=call("batched_nms", boxes, scores, classes, 0.4))


def test_batched_nms_never_suppresses_across_classes():
    boxes = torch.tensor([[0.0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]])
    scores = torch.tensor([0.5, 0.9, 0.7])
    classes = torch.tensor([1, 0, 0])
    result = batched_nms(boxes, scores, classes, 0.5)
    assert_tensor(
        result, torch.tensor([1, 0]), call=call("batched_nms", boxes, scores, classes, 0.5)
    )


@pytest.mark.gpu
def test_iou_and_nms_run_on_the_accelerator(device):
    boxes, scores = random_boxes(40, seed=13), random_scores(40, seed=14)
    iou = box_iou(boxes.to(device), boxes.to(device))
    assert_tensor(
        iou,
        ops.box_iou(boxes, boxes).to(device),
        call="box_iou(boxes, boxes) on the accelerator",
        atol=1e-6,
    )
    kept = nms(boxes.to(device), scores.to(device), 0.5)
    expected = ops.nms(boxes, scores, 0.5).to(device)
    assert_tensor(kept, expected, call=f"nms(boxes, scores, 0.5) on {device}")
