"""Sets the smallest weights to zero in place, with no mask: the optimizer brings them back."""

from solution import *


def prune_globally(model, amount):
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    magnitudes = torch.cat([w.detach().abs().flatten() for w in weights])
    count = round(amount * magnitudes.numel())
    if count == 0:
        return
    threshold = magnitudes.kthvalue(count).values
    with torch.no_grad():
        for w in weights:
            w[w.abs() <= threshold] = 0.0
