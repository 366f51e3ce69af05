"""Calls model.train() once before the loop: after the first validation (model.eval()) every
later epoch trains in eval mode, with dropout off."""

from solution import *


def fit_with_early_stopping(model, optimizer, loss_fn, train, val, max_epochs, patience):
    stopper = EarlyStopping(patience)
    history = {"train_loss": [], "val_loss": [], "best_epoch": -1}
    best_state = None
    model.train()
    for _ in range(max_epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(train[0]), train[1])
        loss.backward()
        optimizer.step()
        history["train_loss"].append(loss.item())
        model.eval()
        with torch.no_grad():
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
