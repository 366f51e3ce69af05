"""Never shuffles: the same batches in the same order every epoch."""

from solution import *


def train(model, images, labels, epochs=4, batch_size=32, lr=1e-2):
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        for start in range(0, len(images), batch_size):
            batch = slice(start, start + batch_size)
            loss = loss_fn(model(images[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
