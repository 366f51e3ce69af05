import pytest
import torch
from build_a_cnn import ShapesCNN, conv_output_size, predict, train
from torch import nn

from kata_helpers import assert_equal, assert_tensor, call


def make_shapes(count: int, size: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Grey images (count, 1, size, size) of one shape each at a random place and size, with
    noise; labels (count,) int64: 0 = horizontal bar, 1 = vertical bar, 2 = filled disk."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 3, (count,), generator=g)
    half = torch.randint(3, 6, (count, 1, 1), generator=g).float()
    room = size - 2 * half
    cy = half + (torch.rand(count, 1, 1, generator=g) * room).floor()
    cx = half + (torch.rand(count, 1, 1, generator=g) * room).floor()
    ys = torch.arange(size).view(1, size, 1).float()
    xs = torch.arange(size).view(1, 1, size).float()
    dy, dx = (ys - cy).abs(), (xs - cx).abs()
    horizontal = (dy < 1) & (dx <= half)
    vertical = (dx < 1) & (dy <= half)
    disk = dy**2 + dx**2 <= half**2
    masks = torch.stack([horizontal, vertical, disk])[labels, torch.arange(count)]
    images = masks.float() + 0.2 * torch.randn(count, size, size, generator=g)
    return images.unsqueeze(1), labels


class BatchRecorder(nn.Module):
    """A tiny classifier that records, at every call with gradients on, which images it saw
    (image i holds the value i in every pixel) and whether it was in training mode."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 3)
        self.batches: list[list[int]] = []
        self.modes: list[bool] = []

    def forward(self, images):
        if torch.is_grad_enabled():
            self.batches.append(images[:, 0, 0, 0].round().long().tolist())
            self.modes.append(self.training)
        return self.linear(images.flatten(1))


def numbered_images(count: int) -> tuple[torch.Tensor, torch.Tensor]:
    images = torch.arange(count).float().view(count, 1, 1, 1).expand(count, 1, 2, 2)
    return images.contiguous(), torch.arange(count) % 3


@pytest.fixture(scope="module")
def trained():
    """The learner's model after the budget: 4 epochs over 640 images (80 steps of 32)."""
    images, labels = make_shapes(640, seed=1)
    torch.manual_seed(0)
    model = ShapesCNN()
    losses = train(model, images, labels, epochs=4, batch_size=32, lr=1e-2)
    return model, losses


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding"),
    [
        (16, 3, 1, 1),
        (16, 2, 2, 0),
        (15, 2, 2, 0),
        (32, 5, 1, 0),
        (7, 3, 2, 1),
        (28, 4, 3, 2),
        (11, 3, 3, 0),
    ],
)
def test_conv_output_size_matches_what_conv2d_gives(size, kernel_size, stride, padding):
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding)
    expected = conv(torch.zeros(1, 1, size, size)).shape[-1]
    result = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    assert_equal(
        result,
        expected,
        call=call("conv_output_size", size, kernel_size, stride=stride, padding=padding),
    )


@pytest.mark.parametrize(
    ("in_channels", "num_classes", "batch", "size"), [(1, 3, 4, 16), (1, 3, 1, 16), (3, 5, 2, 24)]
)
def test_cnn_gives_one_row_of_logits_per_image(in_channels, num_classes, batch, size):
    model = ShapesCNN(in_channels=in_channels, num_classes=num_classes)
    images = torch.randn(batch, in_channels, size, size)
    logits = model(images)
    assert isinstance(logits, torch.Tensor), f"ShapesCNN()(images) returned {type(logits)}"
    assert_equal(
        tuple(logits.shape),
        (batch, num_classes),
        call=f"ShapesCNN(in_channels={in_channels}, num_classes={num_classes})(images of shape "
        f"{tuple(images.shape)}).shape",
    )
    assert logits.dtype == torch.float32, f"the logits are {logits.dtype}, expected float32"


def test_cnn_accepts_larger_images_than_it_was_built_for():
    model = ShapesCNN()
    logits = model(torch.randn(2, 1, 32, 32))
    assert_equal(tuple(logits.shape), (2, 3), call="ShapesCNN()(images (2, 1, 32, 32)).shape")


def test_cnn_returns_raw_logits_not_probabilities():
    model = ShapesCNN()
    logits = model(10 * torch.randn(8, 1, 16, 16))
    row_sums = logits.detach().sum(dim=1)
    in_unit_range = bool(((logits >= 0) & (logits <= 1)).all())
    assert not (in_unit_range and torch.allclose(row_sums, torch.ones(8), atol=1e-4)), (
        "ShapesCNN()(images) returns rows of probabilities that sum to 1: the model ends with a "
        "softmax. Return the raw scores; nn.CrossEntropyLoss applies log-softmax itself."
    )


def test_cnn_is_small_enough_for_the_budget():
    count = sum(p.numel() for p in ShapesCNN().parameters())
    assert 0 < count <= 50_000, (
        f"ShapesCNN() has {count} parameters; the budget is 50,000 (a few conv layers of 8 to 32 "
        f"channels need far fewer)"
    )


def test_train_returns_one_float_loss_per_step():
    images, labels = make_shapes(10, seed=2)
    losses = train(ShapesCNN(), images, labels, epochs=2, batch_size=4, lr=1e-3)
    assert isinstance(losses, list), f"train(...) returned {type(losses).__name__}, expected list"
    assert len(losses) == 6, (
        f"train(model, 10 images, epochs=2, batch_size=4) returned {len(losses)} losses, "
        f"expected 6 (3 batches of 4, 4 and 2 per epoch)"
    )
    assert all(isinstance(loss, float) for loss in losses), (
        "the losses should be Python floats (loss.item()), not tensors"
    )


def test_train_visits_every_image_once_per_epoch_in_a_new_order():
    images, labels = numbered_images(20)
    model = BatchRecorder()
    train(model, images, labels, epochs=3, batch_size=8, lr=1e-3)
    sizes = [len(b) for b in model.batches]
    assert sizes == [8, 8, 4] * 3, (
        f"train(model, 20 images, epochs=3, batch_size=8) called the model on batches of sizes "
        f"{sizes}, expected [8, 8, 4] in each of the 3 epochs"
    )
    epochs = [[i for batch in model.batches[3 * e : 3 * e + 3] for i in batch] for e in range(3)]
    for e, seen in enumerate(epochs):
        assert sorted(seen) == list(range(20)), (
            f"epoch {e + 1} of train(...) saw the images {seen}: an epoch must visit each of the "
            f"20 images exactly once (shuffle the indices, then cut them into batches; do not "
            f"draw batches at random with replacement)"
        )
    shuffled = epochs[0] != list(range(20)) and len({tuple(seen) for seen in epochs}) > 1
    assert shuffled, (
        f"train(...) visited the images in the orders {epochs}: shuffle them, anew every epoch"
    )


def test_train_puts_a_model_left_in_eval_mode_back_in_training_mode():
    images, labels = numbered_images(8)
    model = BatchRecorder()
    model.eval()
    train(model, images, labels, epochs=1, batch_size=4, lr=1e-3)
    always_training = bool(model.modes) and all(model.modes)
    assert always_training, (
        f"train(...) ran a model that predict(...) had left in eval mode in these modes "
        f"(True = training): {model.modes}. Call model.train() before the first step, or dropout "
        f"stays off and batch norm never updates its statistics."
    )


def test_train_changes_the_weights_of_every_layer():
    images, labels = make_shapes(16, seed=3)
    model = ShapesCNN()
    before = [p.detach().clone() for p in model.parameters()]
    train(model, images, labels, epochs=1, batch_size=16, lr=1e-2)
    unchanged = [
        name
        for (name, p), old in zip(model.named_parameters(), before, strict=True)
        if torch.equal(p.detach(), old)
    ]
    assert not unchanged, f"after train(...) these parameters did not change: {unchanged}"


def test_training_drives_the_loss_well_below_chance(trained):
    _, losses = trained
    final = sum(losses[-5:]) / 5
    assert final < 0.3, (
        f"the mean of the last 5 training losses is {final:.3f}, expected < 0.3 (chance is "
        f"ln 3 = 1.10). A loss that cannot go below about 0.55 means softmax was applied before "
        f"nn.CrossEntropyLoss, which applies log-softmax itself."
    )


def test_trained_cnn_reaches_95_percent_on_new_shapes(trained):
    model, _ = trained
    images, labels = make_shapes(300, seed=2)
    predicted = predict(model, images)
    accuracy = (predicted == labels).float().mean().item()
    assert accuracy >= 0.95, (
        f"accuracy on 300 new shapes after 4 epochs is {accuracy:.1%}, the target is 95%"
    )


def test_predict_gives_int64_class_indices():
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[1.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]]))
        model[1].bias.zero_()
    images = torch.tensor([[5.0, 0, 0, 0], [0, 2, 1, 0], [0, 1, 1, 1]]).view(3, 1, 2, 2)
    assert_tensor(
        predict(model, images), torch.tensor([0, 1, 2]), call=call("predict", model, images)
    )


def test_predict_turns_dropout_and_batch_norm_off():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Dropout(0.9),
        nn.Flatten(),
        nn.Linear(4 * 16, 3),
    )
    with torch.no_grad():
        model[1].running_mean.fill_(3.0)
    images, _ = make_shapes(32, size=4, seed=4)
    model.eval()
    with torch.no_grad():
        expected = model(images).argmax(dim=1)
    model.train()
    assert_tensor(
        predict(model, images), expected, call=call("predict", "model in train mode", images)
    )


@pytest.mark.gpu
def test_training_and_prediction_run_on_the_accelerator(device):
    images, labels = make_shapes(64, seed=5)
    images, labels = images.to(device), labels.to(device)
    model = ShapesCNN().to(device)
    losses = train(model, images, labels, epochs=1, batch_size=32, lr=1e-2)
    assert len(losses) == 2, f"train(...) on {device} returned {len(losses)} losses, expected 2"
    predicted = predict(model, images)
    assert predicted.device.type == device.type, (
        f"predict(...) returned a tensor on {predicted.device}, expected {device}"
    )


class GradRecorder(nn.Module):
    """A linear classifier that records whether autograd was recording at each call."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 3)
        self.grad_enabled = []

    def forward(self, x):
        self.grad_enabled.append(torch.is_grad_enabled())
        return self.linear(x.flatten(1))


def test_predict_builds_no_graph():
    model = GradRecorder()
    images = torch.randn(5, 1, 2, 2, generator=torch.Generator().manual_seed(6))
    predict(model, images)
    assert model.grad_enabled, "predict(model, images) never called the model"
    assert not any(model.grad_enabled), (
        "predict(model, images) ran the model with autograd recording: wrap the forward pass in "
        "torch.no_grad() (or torch.inference_mode()); a prediction needs no graph, and building "
        "one costs memory and time"
    )
    assert torch.is_grad_enabled(), "predict(...) left autograd switched off after it returned"
