"""train_moons never seeds: its weights and shuffling follow whatever state the global RNG is in."""

from solution import *


def train_moons(train_set, val_set, seed):
    model = nn.Sequential(
        nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2)
    )
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=256)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    history = fit(model, train_loader, val_loader, nn.CrossEntropyLoss(), optimizer, epochs=12)
    return model, history
