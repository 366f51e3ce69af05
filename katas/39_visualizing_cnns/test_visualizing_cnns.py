import matplotlib
import pytest
import torch
from PIL import Image
from torch import nn
from visualizing_cnns import (
    collect_feature_maps,
    filters_as_images,
    grad_cam,
    saliency_map,
    save_figure,
)

from kata_helpers import assert_equal, assert_tensor, call

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def small_cnn() -> nn.Sequential:
    """(B, 3, 8, 8) -> (B, 3); model[2] is a conv whose output (6, 8, 8) Grad-CAM looks at.
    The layers after it (a strided conv, a flatten and a Linear) make its gradient differ from
    place to place."""
    torch.manual_seed(5)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 6, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(6, 8, 3, padding=1, stride=2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(8 * 4 * 4, 3),
    ).eval()


def an_image(seed: int, size: int = 8) -> torch.Tensor:
    return torch.randn(3, size, size, generator=torch.Generator().manual_seed(seed))


def reference_grad_cam(model, image, target):
    """Grad-CAM at model[2], written independently: split the model at the layer."""
    activation = model[:3](image[None]).detach().requires_grad_(True)  # (1, 6, 8, 8)
    score = model[3:](activation)[0, target]
    (gradient,) = torch.autograd.grad(score, activation)
    weights = gradient[0].mean(dim=(1, 2))
    cam = torch.einsum("k,khw->hw", weights, activation[0].detach()).clamp(min=0)
    return cam / cam.max() if cam.max() > 0 else cam


def test_feature_maps_are_the_outputs_of_the_chosen_layers():
    model, images = small_cnn(), torch.stack([an_image(1), an_image(2)])
    maps = collect_feature_maps(model, {"first conv": model[0], "second relu": model[3]}, images)
    keys = sorted(maps) if isinstance(maps, dict) else type(maps).__name__
    assert keys == ["first conv", "second relu"], (
        f"collect_feature_maps(model, {{'first conv': ..., 'second relu': ...}}, images) returned "
        f"{'a dict with the keys ' if isinstance(maps, dict) else 'a '}{keys}, expected a dict "
        f"with the layers' names (a lambda in a loop sees the loop's last name: bind it)"
    )
    with torch.no_grad():
        assert_tensor(
            maps["first conv"], model[:1](images), call="collect_feature_maps(...)['first conv']"
        )
        assert_tensor(
            maps["second relu"], model[:4](images), call="collect_feature_maps(...)['second relu']"
        )
    assert not maps["first conv"].requires_grad, "the feature maps should be detached"


def test_feature_maps_leave_no_hooks_behind():
    model = small_cnn()
    maps = collect_feature_maps(model, {"conv": model[2]}, an_image(3)[None])
    kept = maps["conv"].clone()
    with torch.no_grad():
        model(an_image(4)[None])
    assert_tensor(
        maps["conv"], kept, call="collect_feature_maps(...)['conv'] after another forward pass"
    )
    left = {i: len(layer._forward_hooks) for i, layer in enumerate(model) if layer._forward_hooks}
    assert not left, f"collect_feature_maps left forward hooks on layers {left}: remove each handle"


def test_feature_maps_remove_hooks_when_the_forward_fails():
    model = small_cnn()
    collect_feature_maps(model, {"conv": model[0]}, an_image(14)[None])  # a pass that works
    with pytest.raises(RuntimeError):
        collect_feature_maps(
            model, {"conv": model[0]}, torch.zeros(1, 5, 8, 8)
        )  # 5 channels: wrong
    assert not model[0]._forward_hooks, (
        "a failed forward pass left the hook on the layer: remove it in `finally`"
    )


@pytest.mark.parametrize("shape", [(4, 3, 3, 3), (2, 1, 5, 5)], ids=["4x3x3x3", "2x1x5x5"])
def test_filters_become_channels_last_images_in_0_1(shape):
    weight = torch.randn(shape, generator=torch.Generator().manual_seed(6))
    flat = weight.flatten(1)
    scaled = (flat - flat.min(1, keepdim=True).values) / (
        flat.max(1, keepdim=True).values - flat.min(1, keepdim=True).values
    )
    expected = scaled.view(shape).permute(0, 2, 3, 1)
    assert_tensor(filters_as_images(weight), expected, call=call("filters_as_images", weight))


def test_a_constant_filter_becomes_zeros():
    weight = torch.stack([torch.full((3, 2, 2), 0.7), torch.arange(12.0).view(3, 2, 2)])
    result = filters_as_images(weight)
    assert_tensor(
        result[0], torch.zeros(2, 2, 3), call="filters_as_images(weight)[0] for a constant filter"
    )
    assert_tensor(
        result[1],
        (torch.arange(12.0) / 11).view(3, 2, 2).permute(1, 2, 0),
        call="filters_as_images(weight)[1]",
    )


@pytest.mark.parametrize("target", [0, 2])
def test_saliency_is_the_largest_absolute_gradient_over_channels(target):
    model, image = small_cnn(), an_image(7)
    leaf = image.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(leaf[None])[0, target], leaf)
    expected = gradient.abs().amax(dim=0)
    assert_tensor(
        saliency_map(model, image, target),
        expected,
        call=call("saliency_map", "model", image, target),
    )


def test_saliency_leaves_the_image_alone():
    model, image = small_cnn(), an_image(8)
    result = saliency_map(model, image, 1)
    assert result.shape == (8, 8), (
        f"saliency_map(model, image (3, 8, 8), 1) has shape {tuple(result.shape)}, expected (8, 8)"
    )
    assert image.grad is None and not image.requires_grad, (
        "saliency_map changed the image passed in"
    )


@pytest.mark.parametrize(("seed", "target"), [(9, 0), (10, 1), (11, 2)])
def test_grad_cam_equals_the_reference(seed, target):
    model, image = small_cnn(), an_image(seed)
    expected = reference_grad_cam(model, image, target)
    result = grad_cam(model, model[2], image, target)
    assert_tensor(
        result, expected, call=call("grad_cam", "model", "model[2]", image, target), atol=1e-5
    )
    assert not model[2]._forward_hooks, "grad_cam left a forward hook on the layer"


def test_grad_cam_of_a_layer_that_never_fires_is_all_zeros():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(72, 2))
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].bias.fill_(-1.0)  # every pre-activation is -1: the ReLU's output is all zeros
    image = torch.rand(1, 6, 6, generator=torch.Generator().manual_seed(15))
    assert_tensor(
        grad_cam(model, model[1], image, target=0),
        torch.zeros(6, 6),
        call="grad_cam(model, relu that outputs only zeros, image (1, 6, 6), 0) (an all-zero "
        "map must stay zero, not become 0 / 0 = nan)",
    )


def test_grad_cam_highlights_the_object():
    """A detector for bright blobs: its Grad-CAM for 'object' should light up where the object is."""
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2, 2),
    )
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[0, 0] = 1 / 9  # channel 0: local brightness
        model[0].weight[1, 0] = -1 / 9  # channel 1: local darkness
        model[0].bias.copy_(torch.tensor([0.0, 0.5]))
        model[4].weight.copy_(torch.tensor([[-1.0, 1.0], [1.0, -1.0]]))  # class 1: "object"
        model[4].bias.zero_()
    image = 0.1 * torch.rand(1, 16, 16, generator=torch.Generator().manual_seed(12))
    image[0, 9:14, 3:8] += 1.0  # the object: rows 9-13, columns 3-7
    cam = grad_cam(model, model[0], image, target=1)
    inside = torch.zeros(16, 16, dtype=torch.bool)
    inside[9:14, 3:8] = True
    assert cam.shape == (16, 16), f"grad_cam returned shape {tuple(cam.shape)}, expected (16, 16)"
    assert inside.flatten()[cam.argmax()], "the Grad-CAM maximum is outside the object"
    assert cam[inside].mean() > 5 * cam[~inside].mean(), (
        f"mean Grad-CAM inside the object {cam[inside].mean():.3f}, outside {cam[~inside].mean():.3f}: "
        f"the map should light up the object"
    )


def test_save_figure_writes_a_png_and_closes_it(tmp_path):
    model, image = small_cnn(), an_image(13)
    panels = [
        image.permute(1, 2, 0).sigmoid(),
        saliency_map(model, image, 0),
        grad_cam(model, model[2], image, 0),
    ]
    path = tmp_path / "explain.png"
    plt.close("all")
    save_figure(panels, ["image", "saliency", "Grad-CAM"], path)
    assert path.is_file(), f"save_figure(panels, titles, {path.name!r}) wrote no file"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the file written is not a PNG"
    with Image.open(path) as png:
        assert png.width > png.height > 0, (
            f"the figure is {png.width}×{png.height}; three panels side by side should be wider than tall"
        )
    assert_equal(plt.get_fignums(), [], call="plt.get_fignums() after save_figure (open figures)")


def drawn_panels(monkeypatch, panels, titles, path):
    """Call save_figure and return, for each axes of the figure it saved (left to right), its
    title and the arrays of the images drawn in it."""
    saved = []
    original = matplotlib.figure.Figure.savefig

    def recording_savefig(figure, *args, **kwargs):
        saved.append(figure)
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", recording_savefig)
    save_figure(panels, titles, path)
    assert saved, "save_figure(...) saved no matplotlib figure (figure.savefig or plt.savefig)"
    axes = sorted(saved[-1].axes, key=lambda axis: axis.get_position().x0)
    return [(axis.get_title(), [image.get_array() for image in axis.get_images()]) for axis in axes]


def test_save_figure_shows_each_panel_with_its_title(monkeypatch, tmp_path):
    gen = torch.Generator().manual_seed(14)
    panels = [torch.rand(6, 5, 3, generator=gen), torch.rand(6, 5, generator=gen)]
    panels.append(torch.rand(4, 4, generator=gen))
    titles = ["image", "saliency", "Grad-CAM"]
    shown = drawn_panels(monkeypatch, panels, titles, tmp_path / "panels.png")
    with_images = [(title, images) for title, images in shown if images]
    assert [title for title, _ in with_images] == titles, (
        f"the saved figure's axes, left to right, show images titled "
        f"{[title for title, _ in with_images]} (of {len(shown)} axes), expected {titles}: one "
        f"axis per panel, axis.imshow(panel) and axis.set_title(title)"
    )
    for (title, images), panel in zip(with_images, panels, strict=True):
        drawn = torch.as_tensor(images[0].astype("float64"))
        expected = panel.double()
        assert tuple(drawn.shape) == tuple(expected.shape), (
            f"the panel titled {title!r} shows an image of shape {tuple(drawn.shape)}, "
            f"expected the panel's {tuple(expected.shape)}"
        )
        correlation = torch.corrcoef(torch.stack([drawn.flatten(), expected.flatten()]))[0, 1]
        assert correlation > 0.99, (
            f"the panel titled {title!r} does not show its own panel's values: draw the panels "
            f"in the order given, each with its title"
        )


def test_every_result_is_plain_numbers_without_a_graph():
    # The model's parameters require grad: every map returned must be detached from them.
    model, image = small_cnn(), an_image(15)
    maps = collect_feature_maps(model, {"conv": model[2]}, image[None])
    results = {
        "collect_feature_maps(...)['conv']": maps["conv"],
        "filters_as_images(model[0].weight) (an nn.Parameter)": filters_as_images(model[0].weight),
        "saliency_map(model, image, 0)": saliency_map(model, image, 0),
        "grad_cam(model, model[2], image, 0)": grad_cam(model, model[2], image, 0),
    }
    graphed = [what for what, result in results.items() if result.requires_grad]
    assert not graphed, (
        f"these results still require grad, part of a graph back to the model's parameters: "
        f"{graphed}. Return detached tensors (.detach()), for plotting and for memory"
    )


def test_saliency_of_an_image_that_requires_grad_leaves_it_alone():
    model = small_cnn()
    image = an_image(16).requires_grad_(True)
    result = saliency_map(model, image, 1)
    leaf = image.detach().clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(leaf[None])[0, 1], leaf)
    assert_tensor(
        result,
        gradient.abs().amax(dim=0),
        call="saliency_map(model, image that requires grad, 1)",
    )
    assert image.grad is None, (
        "saliency_map wrote the caller's image.grad: take the gradient with respect to a "
        "detached copy of the image (image.detach().clone().requires_grad_())"
    )


def test_save_figure_puts_the_panels_side_by_side_in_one_row(monkeypatch, tmp_path):
    panels = [torch.rand(5, 5, generator=torch.Generator().manual_seed(s)) for s in range(3)]
    saved = []
    original = matplotlib.figure.Figure.savefig

    def recording_savefig(figure, *args, **kwargs):
        saved.append(figure)
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", recording_savefig)
    save_figure(panels, ["a", "b", "c"], tmp_path / "row.png")
    drawn = [axis for axis in saved[-1].axes if axis.get_images()]
    rows = {round(axis.get_position().y0, 3) for axis in drawn}
    assert len(drawn) == 3 and len(rows) == 1, (
        f"save_figure drew {len(drawn)} panels on {len(rows)} rows: put the panels side by side, "
        f"one row (plt.subplots(1, len(panels)))"
    )
