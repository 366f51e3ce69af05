"""Applies softmax before nn.CrossEntropyLoss, which applies log-softmax again: the loss stalls."""

from solution import *


def train(model, images, labels, epochs=4, batch_size=32, lr=1e-2):
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(images))
        for start in range(0, len(images), batch_size):
            batch = order[start : start + batch_size]
            probabilities = model(images[batch]).softmax(dim=1)
            loss = loss_fn(probabilities, labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
