"""Measures the validation loss with autograd recording: no torch.no_grad(), so every
validation pass builds a graph it never uses."""

from solution import *


def fit_with_early_stopping(model, optimizer, loss_fn, train, val, max_epochs, patience):
    stopper = EarlyStopping(patience)
    history = {"train_loss": [], "val_loss": [], "best_epoch": -1}
    best_state = None
    for _ in range(max_epochs):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(train[0]), train[1])
        loss.backward()
        optimizer.step()
        history["train_loss"].append(loss.item())
        model.eval()
        val_loss = loss_fn(model(val[0]), val[1]).item()
        history["val_loss"].append(val_loss)
        stop = stopper.step(val_loss)
        if stopper.best_epoch == len(history["val_loss"]) - 1:
            best_state = copy.deepcopy(model.state_dict())
        if stop:
            break
    model.load_state_dict(best_state)
    history["best_epoch"] = stopper.best_epoch
    return history
