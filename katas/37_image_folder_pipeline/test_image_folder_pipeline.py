import numpy as np
import pytest
import torch
from image_folder_pipeline import (
    channel_mean_std,
    find_classes,
    load_image_folder,
    make_loader,
    make_train_transform,
    make_transform,
)
from PIL import Image
from torchvision.transforms import v2

from kata_helpers import assert_equal, assert_tensor, call

# Created in this order on purpose: the sorted order (blue, green, red) is a different one.
COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (20, 40, 230)}
SIZES = [(20, 24), (16, 16), (12, 18), (24, 14)]  # (width, height): the images differ in size
MEAN, STD = [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]


def write_image(path, rgb: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb.astype(np.uint8)).save(path)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """root/red/*.png (4 images), root/green/*.png (3), root/blue/*.png (3), and a stray file
    root/notes.txt that is not a class: 10 images of the class's colour with noise."""
    root = tmp_path_factory.mktemp("shapes")
    rng = np.random.default_rng(0)
    for name, count in [("red", 4), ("green", 3), ("blue", 3)]:
        for i in range(count):
            width, height = SIZES[i]
            noise = rng.integers(-20, 21, size=(height, width, 3))
            write_image(
                root / name / f"{i:03d}.png", np.clip(np.array(COLOURS[name]) + noise, 0, 255)
            )
    (root / "notes.txt").write_text("collected by hand\n")
    return root


def plain_pipeline(size: int):
    return v2.Compose(
        [v2.ToImage(), v2.Resize((size, size)), v2.ToDtype(torch.float32, scale=True)]
    )


def half_black_half_white(width=16, height=12) -> Image.Image:
    rgb = np.zeros((height, width, 3), dtype=np.uint8)
    rgb[:, width // 2 :] = 255
    return Image.fromarray(rgb)


def test_find_classes_sorts_the_folder_names_and_skips_files(root):
    classes, class_to_idx = find_classes(root)
    assert_equal(classes, ["blue", "green", "red"], call=call("find_classes", "root") + "[0]")
    assert_equal(
        class_to_idx, {"blue": 0, "green": 1, "red": 2}, call=call("find_classes", "root") + "[1]"
    )


def test_find_classes_of_one_class(tmp_path):
    write_image(tmp_path / "only" / "a.png", np.zeros((4, 4, 3)))
    assert_equal(find_classes(tmp_path), (["only"], {"only": 0}), call=call("find_classes", "root"))


@pytest.mark.parametrize(
    ("colour", "size"), [((255, 0, 128), 8), ((10, 20, 30), 5)], ids=["255x0x128-8", "10x20x30-5"]
)
def test_transform_scales_to_0_1_and_normalises(colour, size):
    image = Image.new("RGB", (20, 13), colour)
    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.5]
    result = make_transform(size, mean, std)(image)
    per_channel = (torch.tensor(colour) / 255 - torch.tensor(mean)) / torch.tensor(std)
    expected = per_channel.view(3, 1, 1).expand(3, size, size)
    assert_tensor(
        result,
        expected,
        call=f"make_transform({size}, {mean}, {std})(a {colour} image 20×13)",
        atol=1e-5,
    )


def test_transform_keeps_left_and_right():
    result = make_transform(8, MEAN, STD)(half_black_half_white())
    assert isinstance(result, torch.Tensor) and result.shape == (3, 8, 8), (
        f"make_transform(8, ...)(image) returned {result!r}, expected a (3, 8, 8) tensor"
    )
    left, right = result[:, :, :3].mean().item(), result[:, :, 5:].mean().item()
    assert left == pytest.approx(-2.0, abs=0.05) and right == pytest.approx(2.0, abs=0.05), (
        f"for an image black on the left, white on the right, with mean 0.5 and std 0.25 the "
        f"left columns should be -2 and the right ones 2; got {left:.3f} and {right:.3f}"
    )


def test_train_transform_flips_about_half_of_the_time():
    image = half_black_half_white()
    plain = make_transform(8, MEAN, STD)(image)
    augment = make_train_transform(8, MEAN, STD)
    flips = 0
    for _ in range(40):
        result = augment(image)
        assert isinstance(result, torch.Tensor) and result.shape == (3, 8, 8), (
            f"make_train_transform(8, ...)(image) returned {result!r}, expected a (3, 8, 8) tensor"
        )
        if torch.allclose(result, plain.flip(-1), atol=1e-4):
            flips += 1
        else:
            assert_tensor(
                result,
                plain,
                call="make_train_transform(8, ...)(image), when not flipped",
                atol=1e-4,
            )
    assert 8 <= flips <= 32, (
        f"make_train_transform flipped {flips} of 40 images left-right, expected about half"
    )


def test_image_folder_labels_each_image_with_its_folder(root):
    dataset = load_image_folder(root, plain_pipeline(6))
    assert len(dataset) == 10, f"load_image_folder(root, ...) has {len(dataset)} items, expected 10"
    index_of = {"blue": 0, "green": 1, "red": 2}
    for i in range(len(dataset)):
        image, label = dataset[i]
        assert isinstance(image, torch.Tensor) and image.shape == (3, 6, 6), (
            f"item {i} is {image!r}, expected the transformed image, a (3, 6, 6) tensor"
        )
        colour = ["red", "green", "blue"][int(image.mean(dim=(1, 2)).argmax())]
        assert label == index_of[colour], (
            f"item {i} is a {colour} image (from root/{colour}/) but has label {label}; the "
            f"classes, sorted, are blue = 0, green = 1, red = 2"
        )


def test_loader_gives_stacked_float_batches_and_int64_labels(root):
    loader = make_loader(
        load_image_folder(root, make_transform(8, MEAN, STD)), batch_size=4, shuffle=False
    )
    batches = list(loader)
    sizes = [len(labels) for _, labels in batches]
    assert sizes == [4, 4, 2], (
        f"make_loader(10 images, batch_size=4) gave batches of {sizes}, expected [4, 4, 2]"
    )
    images, labels = batches[0]
    assert images.shape == (4, 3, 8, 8) and images.dtype == torch.float32, (
        f"a batch of images is {tuple(images.shape)} {images.dtype}, expected (4, 3, 8, 8) float32"
    )
    assert labels.dtype == torch.int64, f"the labels are {labels.dtype}, expected int64"
    in_order = torch.cat([labels for _, labels in batches])
    assert_tensor(
        in_order,
        torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]),
        call="labels of make_loader(..., shuffle=False)",
    )


def test_loader_shuffle_is_reproducible_from_the_seed(root):
    dataset = load_image_folder(root, plain_pipeline(4))

    def order(seed):
        return torch.cat([labels for _, labels in make_loader(dataset, 3, shuffle=True, seed=seed)])

    first, again, other = order(7), order(7), order(8)
    assert_tensor(
        again,
        first,
        call="labels of make_loader(dataset, 3, shuffle=True, seed=7), the second time",
    )
    assert sorted(first.tolist()) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 2], (
        f"one shuffled epoch gave labels {first.tolist()}: every image should come exactly once"
    )
    assert not torch.equal(first, other) and first.tolist() != sorted(first.tolist()), (
        "make_loader(..., shuffle=True) gave the same order for seeds 7 and 8, or did not shuffle"
    )


def test_loader_order_ignores_random_numbers_drawn_before_iterating(root):
    dataset = load_image_folder(root, plain_pipeline(4))
    quiet = torch.cat([labels for _, labels in make_loader(dataset, 3, shuffle=True, seed=7)])
    loader = make_loader(dataset, 3, shuffle=True, seed=7)
    torch.manual_seed(123)  # other code (a model's initialisation, say) uses the global RNG
    torch.randn(1000)
    busy = torch.cat([labels for _, labels in loader])
    assert_tensor(
        busy,
        quiet,
        call="labels of make_loader(dataset, 3, shuffle=True, seed=7) after other code drew "
        "random numbers (the order must depend on the seed alone: give the DataLoader a "
        "torch.Generator of its own; torch.manual_seed(seed) is not enough)",
    )


def test_channel_mean_std_over_uneven_batches(root):
    dataset = load_image_folder(root, plain_pipeline(6))
    everything = torch.stack([dataset[i][0] for i in range(len(dataset))])  # (10, 3, 6, 6)
    expected_mean = everything.mean(dim=(0, 2, 3))
    # the population std (correction=0): every pixel counts once, divided by their count
    expected_std = everything.transpose(0, 1).flatten(1).std(dim=1, correction=0)
    mean, std = channel_mean_std(make_loader(dataset, batch_size=3, shuffle=False))
    assert_tensor(
        mean,
        expected_mean,
        call="channel_mean_std(loader with batches of 3, 3, 3, 1)[0]",
        atol=1e-4,
    )
    assert_tensor(
        std,
        expected_std,
        call="channel_mean_std(loader with batches of 3, 3, 3, 1)[1] (the population std: "
        "divide by the number of pixels N, not N - 1)",
        rtol=1e-4,
        atol=1e-5,
    )


def test_normalising_with_the_measured_statistics_centres_the_data(root):
    dataset = load_image_folder(root, plain_pipeline(6))
    mean, std = channel_mean_std(make_loader(dataset, batch_size=4, shuffle=False))
    normalised = load_image_folder(root, make_transform(6, mean.tolist(), std.tolist()))
    everything = torch.stack([normalised[i][0] for i in range(len(normalised))])
    assert_tensor(
        everything.mean(dim=(0, 2, 3)),
        torch.zeros(3),
        call="the mean of each channel after normalising",
        atol=1e-3,
    )
    assert_tensor(
        everything.transpose(0, 1).flatten(1).std(dim=1, correction=0),
        torch.ones(3),
        call="the std of each channel after normalising",
        atol=1e-2,
    )
