"""Each sample's loss is divided by the batch size, as in a batch mean: gradients B times too small."""

from solution import *


def per_sample_grads_vmap(model, x, y):
    params = {name: p.detach() for name, p in model.named_parameters()}
    batch_size = x.shape[0]

    def sample_loss(params, sample, target):
        logits = torch.func.functional_call(model, params, (sample.unsqueeze(0),))
        return F.cross_entropy(logits, target.unsqueeze(0)) / batch_size

    return torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, 0, 0))(params, x, y)
