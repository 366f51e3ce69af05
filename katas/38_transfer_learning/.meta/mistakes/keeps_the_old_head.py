"""Changes the old head's out_features attribute instead of building a new layer."""

from solution import *


def replace_head(model, num_classes):
    model.fc.out_features = num_classes
    return model
