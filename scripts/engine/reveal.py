"""The reference solution as a diff against the learner's file, once the kata passes."""

from __future__ import annotations

import difflib

from engine.discovery import Kata
from engine.stubs import without_markers


def solution_diff(kata: Kata, color: bool = False) -> str:
    """A unified diff from the learner's file to the solution, region markers left out of both."""
    mine = without_markers(kata.stub.read_text()) if kata.stub.is_file() else ""
    theirs = without_markers(kata.solution.read_text())
    lines = list(
        difflib.unified_diff(
            mine.splitlines(keepends=True),
            theirs.splitlines(keepends=True),
            f"{kata.rel}/{kata.stub.name} (yours)",
            f"{kata.rel}/.meta/solution.py",
        )
    )
    if not lines:
        return "Your file is identical to the reference solution.\n"
    if color:
        paint = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
        lines = [paint.get(line[:1], "") + line.rstrip("\n") + "\033[0m\n" for line in lines]
    return "".join(lines)
