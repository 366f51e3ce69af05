"""Hint ladders: read from the kata's README, the single source, one rung at a time.

In a README's `## Hints`, each hint is a `<details>` block whose summary reads
`Task N, hint K: label`; a task's hints are numbered from 1 and climb from a nudge (no code) to
the approach to almost the answer. How far a learner has climbed is remembered per kata and task
in `.kata-hints.json` at the repository's root (ignored by git).
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from dataclasses import dataclass

from engine.backups import WriteError, write
from engine.discovery import ROOT, Kata

STATE = ROOT / ".kata-hints.json"
DETAILS = re.compile(
    r"<details>\s*<summary>(?P<summary>.*?)</summary>(?P<body>.*?)</details>", re.DOTALL
)
SUMMARY = re.compile(r"Task (?P<task>\d+), hint (?P<level>\d+): (?P<label>.+)")
TASK_LINE = re.compile(r"^(\d+)\. ", re.MULTILINE)


@dataclass(frozen=True)
class Hint:
    task: int
    level: int
    label: str
    text: str


def _section(readme: str, title: str) -> str:
    match = re.search(rf"^## {title}\s*$(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def tasks(readme: str) -> list[int]:
    """The task numbers listed under `## Tasks`."""
    return [int(n) for n in TASK_LINE.findall(_section(readme, "Tasks"))]


def parse(readme: str) -> tuple[dict[int, list[Hint]], list[str]]:
    """Each task's hints in order, and the problems found (summaries that do not parse, levels
    that skip, tasks without a ladder)."""
    ladders: dict[int, list[Hint]] = {}
    problems = []
    for block in DETAILS.finditer(_section(readme, "Hints")):
        summary = " ".join(block["summary"].split())
        match = SUMMARY.fullmatch(summary)
        if not match:
            problems.append(f"a hint's summary is not 'Task N, hint K: label': {summary!r}")
            continue
        hint = Hint(int(match["task"]), int(match["level"]), match["label"], block["body"].strip())
        ladder = ladders.setdefault(hint.task, [])
        if hint.level != len(ladder) + 1:
            problems.append(f"Task {hint.task}: hint {hint.level} follows hint {len(ladder)}")
        ladder.append(hint)
    for task in tasks(readme):
        if len(ladders.get(task, [])) < 2:
            problems.append(f"Task {task} has {len(ladders.get(task, []))} hints, needs 2 or more")
    for task, ladder in ladders.items():
        if "```" in ladder[0].text or re.search(r"`[^`]*\(", ladder[0].text):
            problems.append(f"Task {task}: hint 1 shows a call; a nudge gives the idea, not code")
    return ladders, problems


def as_text(markdown: str) -> str:
    """A hint for the terminal: the Markdown as written, tags and entities resolved."""
    text = re.sub(r"</?(?:code|b|i|em|strong|br)\s*/?>", "", markdown)
    return html.unescape(text).strip()


def _load_state() -> dict:
    try:
        state = json.loads(STATE.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def seen(kata: Kata) -> dict[str, int]:
    """How many hints of each task (by task number as text) the learner has seen."""
    return {str(k): int(v) for k, v in _load_state().get(kata.name, {}).items()}


def _remember(kata: Kata, task: int, level: int) -> None:
    state = _load_state()
    state.setdefault(kata.name, {})[str(task)] = level
    # Where the file cannot be written the hint is still shown; only the memory of it is lost.
    with contextlib.suppress(WriteError):
        write(STATE, json.dumps(state, indent=1, sort_keys=True) + "\n")


class NoHint(LookupError):
    pass


def next_hint(kata: Kata, task: int | None = None) -> tuple[Hint, int]:
    """The next hint not yet seen (of `task`, or of the first task with hints left) and the
    number of hints that task has. Seeing every hint of a task shows its last one again."""
    ladders, _ = parse(kata.readme.read_text())
    if not ladders:
        raise NoHint(f"{kata.name}'s README has no hints")
    if task is not None and task not in ladders:
        known = ", ".join(str(t) for t in sorted(ladders))
        raise NoHint(f"{kata.name} has no Task {task}; its tasks with hints: {known}")
    done = seen(kata)
    if task is None:
        left = [t for t in sorted(ladders) if done.get(str(t), 0) < len(ladders[t])]
        task = left[0] if left else max(ladders)
    ladder = ladders[task]
    level = min(done.get(str(task), 0) + 1, len(ladder))
    _remember(kata, task, level)
    return ladder[level - 1], len(ladder)


def show(kata: Kata, task: int | None = None) -> str:
    hint, count = next_hint(kata, task)
    lines = [f"{kata.name} · Task {hint.task}, hint {hint.level} of {count}: {hint.label}", ""]
    lines.append(as_text(hint.text))
    lines.append("")
    if hint.level < count:
        lines.append(f"Stuck still? scripts/hint.sh {kata.number:02d} {hint.task} climbs one more.")
    else:
        lines.append(
            f"That was the last hint for Task {hint.task}. The README's tasks and API table say "
            f"the rest; scripts/solution.sh {kata.number:02d} shows the reference once it passes."
        )
    return "\n".join(lines)
