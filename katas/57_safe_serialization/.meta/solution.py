"""Kata 57: safe serialization.

Fill in every function below; `katas/57_safe_serialization/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/57_safe_serialization
"""

from pathlib import Path

import torch
from torch import nn


def save_weights(model: nn.Module, path: Path) -> None:
    """Task 1. Save the model's weights to `path` with torch.save, never the module itself.

    The file holds a dict from names to tensors: every parameter AND every buffer (BatchNorm's
    running statistics count), under the names of model.state_dict(). It must load with
    torch.load(path, weights_only=True), where the model's class is not needed to read it.
    """
    # BEGIN SOLUTION: Task 1: save the name -> tensor mapping, not the object that owns it
    torch.save(model.state_dict(), path)
    # END SOLUTION


def load_weights(model: nn.Module, path: Path) -> nn.Module:
    """Task 2. Load weights saved by save_weights into `model` (built by the caller with the
    same architecture) and return `model`.

    Reads the file with weights_only=True, so a file that would run code when unpickled is
    refused (torch raises pickle.UnpicklingError) before anything runs. Strict: a missing or
    unexpected key raises RuntimeError.
    """
    # BEGIN SOLUTION: Task 2: a weights-only load, then a strict copy into the model
    # map_location: a file saved from a GPU also loads on a machine without one.
    device = next(model.parameters()).device
    state = torch.load(path, map_location=device, weights_only=True)
    model.load_state_dict(state, strict=True)
    return model
    # END SOLUTION


def load_trusted(path: Path, allowed: list[type]):
    """Task 3. Load any checkpoint whose only non-tensor classes are the ones in `allowed`
    (say, a dataclass holding the training configuration), with weights_only=True.

    Allows those classes for this call only: afterwards torch's global allowlist
    (torch.serialization.get_safe_globals()) is what it was before. Any other class in the file,
    and any pickle that would call a function, is refused with pickle.UnpicklingError.
    """
    # BEGIN SOLUTION: Task 3: widen the allowlist for the duration of this one load
    with torch.serialization.safe_globals(allowed):
        return torch.load(path, weights_only=True)
    # END SOLUTION


def export_model(model: nn.Module, example_input: torch.Tensor, path: Path) -> None:
    """Task 4. Export the model's inference behaviour with torch.export and save the program to
    `path` (torch.export.save; the file name ends in .pt2).

    The export runs in eval mode (dropout off, BatchNorm on its running statistics) whatever
    mode the model is in, and leaves the model in the mode it was in. Dimension 0 of the input
    (the batch) is dynamic: the saved program accepts any batch size, not just the example's.
    example_input: (B, ...) with B > 1.
    """
    # BEGIN SOLUTION: Task 4: eval mode, a named dynamic batch dimension, export, save, restore
    was_training = model.training
    model.eval()
    try:
        batch = torch.export.Dim("batch")
        program = torch.export.export(model, (example_input,), dynamic_shapes=({0: batch},))
    finally:
        model.train(was_training)
    torch.export.save(program, path)
    # END SOLUTION


def load_exported(path: Path) -> nn.Module:
    """Task 5. Load a program saved by export_model and return it as a module you can call on a
    batch of any size: loaded(x) equals model.eval()(x). The model's Python class is not
    needed: the file holds the graph and the weights."""
    # BEGIN SOLUTION: Task 5: load the ExportedProgram, then turn it into a callable module
    return torch.export.load(path).module()
    # END SOLUTION
