"""Divides the map by its maximum unconditionally: an all-zero map becomes NaN."""

from solution import *


def grad_cam(model, layer, image, target):
    kept = {}
    handle = layer.register_forward_hook(lambda module, inputs, output: kept.update(a=output))
    try:
        score = model(image.unsqueeze(0))[0, target]
    finally:
        handle.remove()
    (gradient,) = torch.autograd.grad(score, kept["a"])
    weights = gradient[0].mean(dim=(1, 2))
    cam = torch.relu((weights[:, None, None] * kept["a"][0]).sum(dim=0))
    return (cam / cam.max()).detach()
