import copy

import pytest
import torch
from torch import nn
from torchvision import models
from transfer_learning import (
    freeze_backbone,
    load_pretrained,
    param_groups,
    replace_head,
    train_head,
)

from kata_helpers import assert_equal, assert_tensor, describe


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """A resnet18 standing in for pretrained weights: seeded, with batch-norm running
    statistics that are not the defaults, saved as a state dict. Returns (path, model)."""
    torch.manual_seed(1)
    model = models.resnet18(weights=None)
    g = torch.Generator().manual_seed(2)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.copy_(0.1 * torch.randn(module.num_features, generator=g))
            module.running_var.copy_(0.5 + torch.rand(module.num_features, generator=g))
    path = tmp_path_factory.mktemp("weights") / "resnet18.pt"
    torch.save(model.state_dict(), path)
    return path, model.eval()


def fresh_copy(pretrained, num_classes: int) -> nn.Module:
    """The test's own copy of the pretrained model with a new head, so that tests of later
    tasks do not depend on the learner's load_pretrained and replace_head."""
    model = copy.deepcopy(pretrained[1])
    torch.manual_seed(3)
    model.fc = nn.Linear(512, num_classes)
    return model


def backbone_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items() if not k.startswith("fc.")}


def images_and_labels(count: int, num_classes: int, seed: int):
    """Noisy 32×32 images whose class c brightens colour channel c % 3: a pattern even a
    random backbone's features keep, so a head can learn it."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(count) % num_classes
    tint = nn.functional.one_hot(labels % 3, 3).float().view(count, 3, 1, 1)
    return torch.randn(count, 3, 32, 32, generator=g) + 2 * tint, labels


def test_load_pretrained_restores_every_weight_and_buffer(pretrained):
    path, original = pretrained
    model = load_pretrained(path)
    assert isinstance(model, models.ResNet), (
        f"load_pretrained(path) returned {type(model).__name__}, expected a torchvision ResNet"
    )
    expected = original.state_dict()
    loaded = model.state_dict()
    assert_equal(
        sorted(loaded), sorted(expected), call="sorted(load_pretrained(path).state_dict())"
    )
    different = [k for k in expected if not torch.equal(loaded[k], expected[k])]
    assert not different, (
        f"after load_pretrained(path) these entries differ from the saved ones: {different[:5]}"
    )


def test_loaded_model_predicts_like_the_saved_one(pretrained):
    path, original = pretrained
    images, _ = images_and_labels(2, 3, seed=4)
    model = load_pretrained(path).eval()
    with torch.no_grad():
        assert_tensor(
            model(images), original(images), call="load_pretrained(path).eval()(images)", atol=1e-5
        )


@pytest.mark.parametrize(("num_classes", "batch"), [(3, 4), (10, 1)])
def test_replace_head_gives_one_score_per_new_class(pretrained, num_classes, batch):
    model = copy.deepcopy(pretrained[1])
    before = backbone_state(model)
    result = replace_head(model, num_classes)
    assert isinstance(result, nn.Module), (
        f"replace_head(model, {num_classes}) returned {result!r}, expected the model"
    )
    images, _ = images_and_labels(batch, num_classes, seed=5)
    with torch.no_grad():
        logits = result.eval()(images)
    assert_equal(
        tuple(logits.shape),
        (batch, num_classes),
        call=f"replace_head(model, {num_classes})(images {tuple(images.shape)}).shape",
    )
    after = backbone_state(result)
    assert all(torch.equal(after[k], before[k]) for k in before), (
        "replace_head changed the backbone's weights"
    )


def test_replace_head_makes_a_new_trainable_linear_layer(pretrained):
    model = copy.deepcopy(pretrained[1])
    old_weight = model.fc.weight.detach().clone()
    model = replace_head(model, 4)
    assert isinstance(model.fc, nn.Linear) and model.fc.in_features == 512, (
        f"model.fc after replace_head is {model.fc!r}, expected Linear(512, 4)"
    )
    assert not torch.equal(model.fc.weight.detach(), old_weight[:4]), (
        "the new head copies the old head's first rows"
    )
    assert all(p.requires_grad for p in model.fc.parameters()), (
        "the new head does not require gradients"
    )


def test_freeze_backbone_leaves_gradients_to_the_head_only(pretrained):
    model = fresh_copy(pretrained, 3)
    freeze_backbone(model)
    images, labels = images_and_labels(2, 3, seed=6)
    nn.functional.cross_entropy(model(images), labels).backward()
    with_grad = sorted(name for name, p in model.named_parameters() if p.grad is not None)
    assert_equal(
        with_grad,
        ["fc.bias", "fc.weight"],
        call="the parameters with a .grad after freeze_backbone(model) and a backward",
    )
    frozen = [
        name
        for name, p in model.named_parameters()
        if not name.startswith("fc.") and p.requires_grad
    ]
    assert not frozen, f"after freeze_backbone these still require gradients: {frozen[:5]}"


def test_param_groups_give_the_head_its_own_learning_rate(pretrained):
    model = fresh_copy(pretrained, 3)
    groups = param_groups(model, head_lr=1e-2, backbone_lr=1e-4)
    what = "param_groups(model, head_lr=1e-2, backbone_lr=1e-4)"
    assert isinstance(groups, list) and all(
        isinstance(g, dict) and "params" in g for g in groups
    ), f"{what} returned {describe(groups)}, expected a list of dicts with 'params' and 'lr'"
    groups = [{**g, "params": list(g["params"])} for g in groups]  # a generator reads once
    name_of = {id(p): name for name, p in model.named_parameters()}
    seen, twice = set(), []
    for group in groups:
        for p in group["params"]:
            if id(p) in seen:
                twice.append(name_of.get(id(p), "a parameter not in the model"))
            seen.add(id(p))
    assert not twice, (
        f"{what} put these parameters in more than one group: {twice[:4]} (an optimizer "
        f"refuses that). Each parameter belongs to exactly one group: the head's (names "
        f"starting with 'fc.') or the backbone's (every other name)"
    )
    optimizer = torch.optim.SGD(groups, lr=0.5)
    lr_of = {}
    for group in optimizer.param_groups:
        for p in group["params"]:
            assert id(p) not in lr_of, "a parameter is in two groups"
            lr_of[id(p)] = group["lr"]
    named = dict(model.named_parameters())
    missing = [name for name, p in named.items() if id(p) not in lr_of]
    assert not missing, f"these parameters are in no group: {missing[:5]}"
    wrong = {
        name: lr_of[id(p)]
        for name, p in named.items()
        if lr_of[id(p)] != (1e-2 if name.startswith("fc.") else 1e-4)
    }
    assert not wrong, (
        f"param_groups(model, head_lr=1e-2, backbone_lr=1e-4): these parameters got the wrong "
        f"learning rate: {dict(list(wrong.items())[:4])}"
    )


def test_train_head_fits_the_head_and_leaves_the_backbone_exactly_alone(pretrained):
    model = fresh_copy(pretrained, 3).train()
    before = backbone_state(model)
    head_before = model.fc.weight.detach().clone()
    images, labels = images_and_labels(16, 3, seed=7)
    losses = train_head(model, images, labels, steps=12, lr=3e-3)
    assert isinstance(losses, list) and len(losses) == 12, (
        f"train_head(..., steps=12) returned {losses!r}, expected 12 losses"
    )
    floats = all(isinstance(loss, float) for loss in losses)
    assert floats, (
        "train_head should return the losses as Python floats (loss.item()), not tensors: a "
        "list of tensors keeps every step's graph alive"
    )
    after = backbone_state(model)
    changed = [k for k in before if not torch.equal(after[k], before[k])]
    assert not changed, (
        f"train_head changed the backbone: {changed[:4]}. Frozen parameters are not enough: "
        f"in train mode BatchNorm updates its running_mean and running_var on every forward."
    )
    assert not torch.equal(model.fc.weight.detach(), head_before), (
        "train_head did not change the head"
    )
    with_grad = [
        n for n, p in model.named_parameters() if not n.startswith("fc.") and p.grad is not None
    ]
    assert not with_grad, (
        f"after train_head the backbone's parameters have gradients ({with_grad[:3]}...): every "
        f"step ran backward through the whole network for nothing. Freeze the backbone first "
        f"(freeze_backbone(model)), so that backward stops at the head"
    )
    assert losses[-1] < 0.5 * losses[0], (
        f"the loss went from {losses[0]:.3f} to {losses[-1]:.3f}: the head did not learn"
    )


def adam_on_the_head(model: nn.Module, images, labels, steps: int, lr: float) -> list[float]:
    """The losses that `steps` full-batch Adam(lr) steps on the head alone give, computed on
    the backbone's features (evaluation mode, no gradients), each before its update."""
    head = copy.deepcopy(model.fc)
    body = copy.deepcopy(model).eval()
    body.fc = nn.Identity()
    with torch.no_grad():
        features = body(images)  # (B, 3, H, W) -> (B, 512)
    optimizer = torch.optim.Adam(head.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.cross_entropy(head(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_train_head_takes_steps_of_one_adam_optimizer(pretrained):
    model = fresh_copy(pretrained, 5)
    images, labels = images_and_labels(10, 5, seed=9)
    expected = adam_on_the_head(model, images, labels, steps=8, lr=3e-3)
    losses = train_head(model, images, labels, steps=8, lr=3e-3)
    assert_tensor(
        torch.tensor(losses, dtype=torch.float64),
        torch.tensor(expected, dtype=torch.float64),
        call="train_head(model, 10 images, labels, steps=8, lr=3e-3), the loss of each step "
        "(expected: one torch.optim.Adam(head parameters, lr) built once, gradients zeroed every "
        "step, mean cross-entropy, each loss taken before its step's update)",
        rtol=1e-4,
        atol=1e-4,
    )


@pytest.mark.gpu
def test_train_head_on_the_accelerator(pretrained, device):
    model = fresh_copy(pretrained, 3).to(device)
    before = {k: v.cpu() for k, v in backbone_state(model).items()}
    images, labels = images_and_labels(8, 3, seed=8)
    losses = train_head(model, images.to(device), labels.to(device), steps=5, lr=1e-2)
    assert len(losses) == 5, f"train_head(..., steps=5) on {device} returned {len(losses)} losses"
    after = backbone_state(model)
    changed = [k for k in before if not torch.equal(after[k].cpu(), before[k])]
    assert not changed, f"train_head on {device} changed the backbone: {changed[:4]}"
