import pytest
import torch
from image_tensors_and_transforms import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    augment,
    denormalize,
    evaluation_pipeline,
    normalize,
    to_float_chw,
    to_uint8_hwc,
    training_pipeline,
)
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as TF

from kata_helpers import assert_tensor, call


def random_image(shape, seed=0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)


def channels_first_by_loop(image_hwc: torch.Tensor) -> torch.Tensor:
    h, w, c = image_hwc.shape
    out = torch.empty(c, h, w)
    for y in range(h):
        for x in range(w):
            for ch in range(c):
                out[ch, y, x] = image_hwc[y, x, ch].item() / 255
    return out


@pytest.mark.parametrize(
    "shape", [(4, 6, 3), (1, 1, 3), (5, 2, 1), (3, 7, 4)], ids=["4x6x3", "1x1x3", "5x2x1", "3x7x4"]
)
def test_to_float_chw_moves_channels_first_and_scales_to_one(shape):
    image = random_image(shape)
    assert_tensor(
        to_float_chw(image), channels_first_by_loop(image), call=call("to_float_chw", image)
    )


@pytest.mark.parametrize(
    "shape", [(4, 6, 3), (1, 1, 3), (8, 3, 1)], ids=["4x6x3", "1x1x3", "8x3x1"]
)
def test_to_uint8_hwc_inverts_to_float_chw_exactly(shape):
    image = random_image(shape, seed=1)
    assert_tensor(
        to_uint8_hwc(to_float_chw(image)), image, call="to_uint8_hwc(to_float_chw(image))"
    )


def test_to_uint8_hwc_rounds_and_clamps():
    image = torch.tensor([-0.5, 0.0, 0.4 / 255, 0.6 / 255, 127.5001 / 255, 1.0, 1.7]).view(1, 1, 7)
    expected = torch.tensor([0, 0, 0, 1, 128, 255, 255], dtype=torch.uint8).view(1, 7, 1)
    assert_tensor(to_uint8_hwc(image), expected, call=call("to_uint8_hwc", image))


@pytest.mark.parametrize(
    "shape", [(3, 4, 5), (2, 3, 4, 4), (1, 1, 1)], ids=["chw", "batch", "one_pixel"]
)
def test_normalize_equals_torchvision_normalize(shape):
    gen = torch.Generator().manual_seed(2)
    image = torch.rand(shape, generator=gen)
    channels = shape[-3]
    mean, std = [0.2, 0.5, 0.7][:channels], [0.1, 0.3, 2.0][:channels]
    expected = v2.Normalize(mean, std)(image)
    assert_tensor(normalize(image, mean, std), expected, call=call("normalize", image, mean, std))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_denormalize_inverts_normalize(dtype):
    gen = torch.Generator().manual_seed(3)
    image = torch.rand(2, 3, 5, 4, generator=gen, dtype=dtype)
    normalized = (image - torch.tensor(IMAGENET_MEAN, dtype=dtype).view(3, 1, 1)) / torch.tensor(
        IMAGENET_STD, dtype=dtype
    ).view(3, 1, 1)
    result = denormalize(normalized, IMAGENET_MEAN, IMAGENET_STD)
    assert_tensor(result, image, call="denormalize(normalized image, IMAGENET_MEAN, IMAGENET_STD)")


@pytest.mark.parametrize("shape", [(3, 40, 60), (3, 10, 14)], ids=["larger", "smaller"])
def test_training_pipeline_gives_normalized_float_images_of_the_size_asked(shape):
    # A random resized crop scales its crop to (size, size), even from an image smaller than that.
    image = random_image(shape, seed=4)
    for _ in range(3):
        result = training_pipeline(24)(image)
        assert isinstance(result, torch.Tensor) and result.shape == (3, 24, 24), (
            f"training_pipeline(24)(uint8 image of shape {shape}) returned shape "
            f"{getattr(result, 'shape', type(result))}, expected (3, 24, 24): the random crop "
            f"must be resized to (size, size)"
        )
        assert result.dtype == torch.float32, (
            f"training_pipeline returned {result.dtype}, not float32"
        )


@pytest.mark.parametrize("value", [0, 100, 255])
def test_training_pipeline_maps_a_plain_colour_to_normalized_values(value):
    # A single-colour image looks the same however it is cropped or flipped.
    image = torch.full((3, 30, 20), value, dtype=torch.uint8)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    expected = ((value / 255 - mean) / std).expand(3, 16, 16)
    assert_tensor(
        training_pipeline(16)(image),
        expected,
        call=f"training_pipeline(16) on a (3, 30, 20) image filled with {value}",
        atol=1e-4,
    )


def test_training_pipeline_is_random():
    image = random_image((3, 32, 32), seed=5)
    pipeline = training_pipeline(16)
    outputs = [pipeline(image) for _ in range(4)]
    assert any(not torch.equal(outputs[0], other) for other in outputs[1:]), (
        "training_pipeline(16) gave the same output four times: it should crop and flip at random"
    )


def test_training_pipeline_flips_about_half_the_time():
    # Brighter from left to right: any crop keeps that order, a flip reverses it.
    image = (torch.arange(32, dtype=torch.uint8) * 8).expand(3, 32, 32).contiguous()
    pipeline = training_pipeline(8)
    flips = 0
    for _ in range(40):
        out = pipeline(image)
        flips += bool(out[0, :, 0].mean() > out[0, :, -1].mean())
    assert 8 <= flips <= 32, (
        f"training_pipeline(8) flipped a left-to-right gradient {flips} times in 40: expected a "
        f"horizontal flip with probability 0.5"
    )


@pytest.mark.parametrize(
    ("shape", "size"), [((3, 40, 60), 32), ((3, 50, 30), 16)], ids=["3x40x60-32", "3x50x30-16"]
)
def test_evaluation_pipeline_resizes_crops_the_centre_and_normalizes(shape, size):
    image = random_image(shape, seed=6)
    expected = TF.center_crop(TF.resize(image, size, antialias=True), size)
    expected = TF.normalize(
        TF.to_dtype(expected, torch.float32, scale=True), IMAGENET_MEAN, IMAGENET_STD
    )
    result = evaluation_pipeline(size)(image)
    # Resizing the uint8 image or its float conversion rounds differently: allow 1.5 grey levels.
    grey_levels = 1.5 / 255 / min(IMAGENET_STD)
    assert_tensor(
        result,
        expected,
        call=f"evaluation_pipeline({size}) on a uint8 image {shape}",
        atol=grey_levels,
        rtol=0,
    )
    assert_tensor(evaluation_pipeline(size)(image), result, call="evaluation_pipeline run twice")


def test_augment_is_reproducible_for_a_seed_and_varies_with_it():
    pipeline = v2.Compose([v2.RandomResizedCrop(12, antialias=True), v2.RandomHorizontalFlip()])
    image = random_image((3, 30, 30), seed=7)
    first = augment(pipeline, image, seed=11)
    torch.rand(5)  # whatever happened to the global generator in between
    assert_tensor(
        augment(pipeline, image, seed=11), first, call="augment(pipeline, image, seed=11) again"
    )
    others = [augment(pipeline, image, seed=s) for s in (12, 13, 14)]
    assert any(not torch.equal(first, other) for other in others), (
        "augment(pipeline, image, seed) gave the same result for seeds 11 to 14"
    )
