"""Runs fn with recording on and detaches the result: no graph comes back, but one was built (time and memory spent)."""

from solution import *


def evaluate_without_graph(fn, x):
    return fn(x).detach()
