"""Stores scale as a plain tensor attribute: not a parameter, so never trained or saved."""

from solution import *


class TinyMLP(TinyMLP):
    def __init__(self, sizes):
        nn.Module.__init__(self)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.scale = torch.ones(sizes[-1], requires_grad=True)
        self.register_buffer("num_batches", torch.tensor(0, dtype=torch.int64))


def save_and_reload(model, sizes, path):
    torch.save(model.state_dict(), path)
    reloaded = TinyMLP(sizes)
    reloaded.load_state_dict(torch.load(path, weights_only=True))
    return reloaded
