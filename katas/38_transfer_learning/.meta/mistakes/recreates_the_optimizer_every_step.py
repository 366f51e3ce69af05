"""Builds a new Adam inside the loop: its moment estimates restart at zero every step."""

from solution import *


def train_head(model, images, labels, steps, lr):
    freeze_backbone(model)
    model.eval()
    losses = []
    for _ in range(steps):
        optimizer = torch.optim.Adam(model.fc.parameters(), lr=lr)
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
