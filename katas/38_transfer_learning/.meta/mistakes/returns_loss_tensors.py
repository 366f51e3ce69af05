"""Keeps the loss tensors instead of loss.item(): every step's graph stays alive."""

from solution import *


def train_head(model, images, labels, steps, lr):
    freeze_backbone(model)
    model.eval()
    optimizer = torch.optim.Adam(model.fc.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses
