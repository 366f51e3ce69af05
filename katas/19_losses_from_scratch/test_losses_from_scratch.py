import pytest
import torch
import torch.nn.functional as F
from losses_from_scratch import bce_with_logits, cross_entropy, mse_loss

from kata_helpers import assert_tensor, call


def data(*shape, seed=0, scale=1.0, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype) * scale


def classes(n, num_classes, seed=1):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, num_classes, (n,), generator=generator)


# Task 1: MSE


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(1,), (5, 3), (2, 3, 4)], ids=["1", "5x3", "2x3x4"])
def test_mse_loss_equals_torch_for_every_reduction(shape, reduction):
    prediction, target = data(*shape, seed=0), data(*shape, seed=1)
    expected = F.mse_loss(prediction, target, reduction=reduction)
    result = mse_loss(prediction, target, reduction=reduction)
    assert_tensor(
        result, expected, call=call("mse_loss", prediction, target, reduction=reduction), atol=1e-5
    )


def test_mse_loss_is_zero_for_a_perfect_prediction_and_has_the_right_gradient():
    prediction = data(4, 2, seed=2, dtype=torch.float64).requires_grad_()
    target = data(4, 2, seed=3, dtype=torch.float64)
    mse_loss(prediction, target).backward()
    expected = 2 * (prediction.detach() - target) / prediction.numel()
    assert_tensor(prediction.grad, expected, call="mse_loss(prediction, target).backward(); grad")
    same = mse_loss(target, target.clone())
    assert_tensor(same, torch.tensor(0.0, dtype=torch.float64), call="mse_loss(t, t)")


# Task 2: BCE with logits


@pytest.mark.parametrize("shape", [(1,), (8,), (4, 5)], ids=["1", "8", "4x5"])
def test_bce_with_logits_equals_torch(shape):
    logits = data(*shape, seed=4, scale=3.0)
    generator = torch.Generator().manual_seed(5)
    target = torch.rand(*shape, generator=generator)  # soft labels in [0, 1]
    expected = F.binary_cross_entropy_with_logits(logits, target)
    result = bce_with_logits(logits, target)
    assert_tensor(result, expected, call=call("bce_with_logits", logits, target))


def test_bce_with_logits_is_finite_and_exact_for_huge_logits():
    logits = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 80.0, -80.0])
    target = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    # Right answers cost ~0, wrong ones cost |logit|: (0 + 0 + 1000 + 1000 + 0 + 80) / 6.
    expected = F.binary_cross_entropy_with_logits(logits, target)
    result = bce_with_logits(logits, target)
    assert_tensor(result, expected, call=call("bce_with_logits", logits, target), rtol=1e-5)


def test_bce_with_logits_gradient_is_sigmoid_minus_target_even_for_huge_logits():
    logits = torch.tensor([1000.0, -1000.0, 0.5, 3.0, -30.0], requires_grad=True)
    target = torch.tensor([0.0, 1.0, 1.0, 0.5, 0.0])
    bce_with_logits(logits, target).backward()
    expected = (torch.sigmoid(logits.detach()) - target) / logits.numel()
    assert_tensor(
        logits.grad, expected, call=call("bce_with_logits", logits, target) + ".backward(); grad"
    )


def test_bce_with_logits_gradient_equals_torch_in_float64():
    logits = data(3, 4, seed=6, scale=5.0, dtype=torch.float64).requires_grad_()
    target = torch.rand(3, 4, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    bce_with_logits(logits, target).backward()
    reference = logits.detach().clone().requires_grad_()
    F.binary_cross_entropy_with_logits(reference, target).backward()
    assert_tensor(
        logits.grad,
        reference.grad,
        call=call("bce_with_logits", logits, target) + ".backward(); grad",
    )


# Task 3: cross-entropy


@pytest.mark.parametrize(("n", "num_classes"), [(1, 3), (6, 4), (16, 10)])
def test_cross_entropy_equals_torch_without_options(n, num_classes):
    logits, target = data(n, num_classes, seed=8, scale=2.0), classes(n, num_classes)
    expected = F.cross_entropy(logits, target)
    result = cross_entropy(logits, target)
    assert_tensor(result, expected, call=call("cross_entropy", logits, target))


def test_cross_entropy_is_stable_for_huge_logits():
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 2000.0]])
    target = torch.tensor([2, 1, 0])
    expected = F.cross_entropy(logits, target)  # (2000 + 0 + 2000) / 3
    result = cross_entropy(logits, target)
    assert_tensor(result, expected, call=call("cross_entropy", logits, target), rtol=1e-5)


@pytest.mark.parametrize("label_smoothing", [0.1, 0.3, 1.0])
@pytest.mark.parametrize("num_classes", [2, 5])
def test_cross_entropy_with_label_smoothing_equals_torch(num_classes, label_smoothing):
    logits, target = data(7, num_classes, seed=9, scale=2.0), classes(7, num_classes, seed=2)
    expected = F.cross_entropy(logits, target, label_smoothing=label_smoothing)
    result = cross_entropy(logits, target, label_smoothing=label_smoothing)
    assert_tensor(
        result,
        expected,
        call=call("cross_entropy", logits, target, label_smoothing=label_smoothing),
    )


@pytest.mark.parametrize("ignore_index", [-100, 3])
def test_cross_entropy_leaves_ignored_entries_out_of_the_sum_and_the_count(ignore_index):
    logits = data(8, 5, seed=10, scale=2.0)
    target = torch.tensor([0, ignore_index, 4, ignore_index, ignore_index, 2, 1, ignore_index])
    expected = F.cross_entropy(logits, target, ignore_index=ignore_index)
    result = cross_entropy(logits, target, ignore_index=ignore_index)
    assert_tensor(
        result, expected, call=call("cross_entropy", logits, target, ignore_index=ignore_index)
    )


def test_cross_entropy_with_smoothing_and_ignored_entries_together():
    logits, target = data(10, 6, seed=11, scale=3.0), classes(10, 6, seed=3)
    target[::3] = -100
    expected = F.cross_entropy(logits, target, label_smoothing=0.2)
    result = cross_entropy(logits, target, label_smoothing=0.2)
    assert_tensor(result, expected, call=call("cross_entropy", logits, target, label_smoothing=0.2))


def test_cross_entropy_gradient_equals_torch_and_is_zero_on_ignored_rows():
    logits = data(5, 4, seed=12, dtype=torch.float64).requires_grad_()
    target = torch.tensor([1, -100, 3, 0, -100])
    cross_entropy(logits, target, label_smoothing=0.1).backward()
    reference = logits.detach().clone().requires_grad_()
    F.cross_entropy(reference, target, label_smoothing=0.1).backward()
    assert_tensor(
        logits.grad,
        reference.grad,
        call=call("cross_entropy", logits, target, label_smoothing=0.1) + ".backward(); grad",
    )


# On an accelerator: the masks and constants must be made on the logits' device.


@pytest.mark.gpu
def test_losses_run_on_the_accelerator(device):
    logits, target = data(6, 4, seed=13).to(device), classes(6, 4).to(device)
    target[1] = -100
    expected = F.cross_entropy(logits, target, label_smoothing=0.1)
    result = cross_entropy(logits, target, label_smoothing=0.1)
    assert_tensor(result, expected, call=call("cross_entropy", logits, target), atol=1e-5)
    soft = torch.rand(6, 4, device=device)
    expected = F.binary_cross_entropy_with_logits(logits, soft)
    assert_tensor(
        bce_with_logits(logits, soft), expected, call=call("bce_with_logits", logits, soft)
    )
