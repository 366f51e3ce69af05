"""Keeps the layers in a plain Python list: the module does not see them, so they are not registered."""

from solution import *


class TinyMLP(TinyMLP):
    def __init__(self, sizes):
        nn.Module.__init__(self)
        self.layers = [nn.Linear(a, b) for a, b in itertools.pairwise(sizes)]
        self.scale = nn.Parameter(torch.ones(sizes[-1]))
        self.register_buffer("num_batches", torch.tensor(0, dtype=torch.int64))


def save_and_reload(model, sizes, path):
    torch.save(model.state_dict(), path)
    reloaded = TinyMLP(sizes)
    reloaded.load_state_dict(torch.load(path, weights_only=True))
    return reloaded
