"""Trains the head with an optimizer over the head alone, but never freezes the backbone: every
backward runs through the whole network and fills the backbone's .grad for nothing."""

from solution import *


def train_head(model, images, labels, steps, lr):
    model.eval()
    optimizer = torch.optim.Adam(model.fc.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
