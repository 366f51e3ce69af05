"""Uses torch.tensor for the view: it always copies, so the tensor no longer follows the array."""

from solution import *


def view_of_numpy(array):
    return torch.tensor(array)
