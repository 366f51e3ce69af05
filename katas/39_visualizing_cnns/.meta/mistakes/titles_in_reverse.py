"""Draws the panels left to right but pairs each with the wrong title (reversed)."""

from solution import *


def save_figure(panels, titles, path):
    figure, axes = plt.subplots(1, len(panels), figsize=(2.5 * len(panels), 2.5), squeeze=False)
    for axis, panel, title in zip(axes[0], panels, titles[::-1], strict=True):
        axis.imshow(panel.detach().cpu().numpy(), cmap="viridis")
        axis.set_title(title)
        axis.axis("off")
    figure.savefig(path)
    plt.close(figure)
