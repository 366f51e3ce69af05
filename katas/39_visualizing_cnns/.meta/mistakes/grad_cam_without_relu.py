"""Leaves out Grad-CAM's ReLU: regions that lower the score show up in the map too."""

from solution import *


def grad_cam(model, layer, image, target):
    kept = {}
    handle = layer.register_forward_hook(lambda module, inputs, output: kept.update(a=output))
    score = model(image.unsqueeze(0))[0, target]
    handle.remove()
    (gradient,) = torch.autograd.grad(score, kept["a"])
    weights = gradient[0].mean(dim=(1, 2))
    cam = (weights[:, None, None] * kept["a"][0]).sum(dim=0)
    return (cam / cam.max()).detach()
