"""Makes the batch counter an nn.Parameter: it shows up in parameters() and in the counts."""

from solution import *


class TinyMLP(TinyMLP):
    def __init__(self, sizes):
        nn.Module.__init__(self)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.scale = nn.Parameter(torch.ones(sizes[-1]))
        self.num_batches = nn.Parameter(torch.tensor(0, dtype=torch.int64), requires_grad=False)

    def forward(self, x):
        if self.training:
            self.num_batches.add_(1)
        *hidden, last = self.layers
        for layer in hidden:
            x = F.relu(layer(x))
        return last(x) * self.scale


def save_and_reload(model, sizes, path):
    torch.save(model.state_dict(), path)
    reloaded = TinyMLP(sizes)
    reloaded.load_state_dict(torch.load(path, weights_only=True))
    return reloaded
