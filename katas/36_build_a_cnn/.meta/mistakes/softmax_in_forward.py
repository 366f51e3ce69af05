"""Ends the model with a softmax, so it returns probabilities instead of logits."""

from solution import *


class ShapesCNN(ShapesCNN):
    def forward(self, images):
        return super().forward(images).softmax(dim=1)
