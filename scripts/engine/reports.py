"""What grading says: the terminal board, JSON, Markdown for the job summary, annotations, and
the README's catalogue of katas."""

from __future__ import annotations

import time

from engine.discovery import LEVELS, Kata, discover
from engine.grading import STATES, Grade, Report

SCHEMA_VERSION = 2
MARK = {
    "passed": "✓",
    "in progress": "◐",
    "wrong": "✗",
    "todo": "·",
    "tests modified": "!",
    "not trusted": "⚑",
}
PAINT = {
    "passed": "32",
    "in progress": "36",
    "wrong": "31",
    "todo": "2",
    "tests modified": "33",
    "not trusted": "35",
}
EMOJI = {
    "passed": "✅",
    "in progress": "🔵",
    "wrong": "❌",
    "todo": "⬜",
    "tests modified": "⚠️",
    "not trusted": "🚩",
}


def _bar(done: int, total: int, width: int = 16) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _levels(grades: list[Grade]) -> dict[int, list[Grade]]:
    levels: dict[int, list[Grade]] = {}
    for g in grades:
        levels.setdefault(g.kata.meta["level"], []).append(g)
    return levels


def counts(g: Grade) -> str:
    """`20/25 tests, 3 wrong, 2 to do` for a kata that ran; empty otherwise."""
    if not g.tests:
        return ""
    t = g.tests
    total = t["passed"] + t["wrong"] + t["todo"]
    parts = [f"{t['passed']}/{total} tests"]
    if g.state in ("in progress", "wrong"):
        parts.append(f"{t['wrong']} wrong")
    if t["todo"]:
        parts.append(f"{t['todo']} to do")
    if t["skipped"]:
        parts.append(f"{t['skipped']} need an accelerator")
    return ", ".join(parts)


def _advice(g: Grade) -> list[str]:
    number = f"{g.kata.number:02d}"
    if g.state == "tests modified":
        return [
            f"  its test file differs from katas/manifest.json: scripts/reset.sh --tests {number}"
            " restores it (your edited copy is saved first)"
        ]
    lines = []
    if g.failures:
        lines.append(f"  wrong: {', '.join(g.failures[:3])}{' ...' if len(g.failures) > 3 else ''}")
    if g.todo:
        lines.append(f"  to do: {', '.join(g.todo[:3])}{' ...' if len(g.todo) > 3 else ''}")
    lines.append(f"  run: scripts/watch.sh {number}    stuck? scripts/hint.sh {number}")
    return lines


def board(report: Report, color: bool = False) -> str:
    """The learner's progress board for the terminal."""
    grades = report.grades
    passed = sum(g.state == "passed" for g in grades)
    lines = [f"PyTorch Katas: {passed} of {len(grades)} passed  {_bar(passed, len(grades), 24)}"]
    lines += [f"⚑ {f.detail}" for f in report.flags]
    for level, members in _levels(grades).items():
        done = sum(g.state == "passed" for g in members)
        lines.append(
            f"\nLevel {level}: {LEVELS[level]}  {_bar(done, len(members))} {done}/{len(members)}"
        )
        for g in members:
            state = f"{MARK[g.state]} {g.state:<14}"
            if color:
                state = f"\033[{PAINT[g.state]}m{state}\033[0m"
            lines.append(f"  {g.kata.name:<36} {state} {counts(g)}".rstrip())
            lines += [f"      ⚑ {f.detail}" for f in g.flags]
    upcoming = report.next()
    if upcoming:
        title = upcoming.kata.meta["title"]
        lines.append(f"\nNext: {upcoming.kata.rel}/README.md  ({title}, {upcoming.state})")
        lines += _advice(upcoming)
    else:
        lines.append("\nEvery kata passes. Well done!")
    return "\n".join(lines)


def markdown(report: Report) -> str:
    """The report for $GITHUB_STEP_SUMMARY: progress per level, then every kata."""
    grades = report.grades
    passed = sum(g.state == "passed" for g in grades)
    out = [f"## PyTorch Katas: {passed} of {len(grades)} passed", ""]
    out += [f"🚩 {f.detail}" for f in report.flags] + ([""] if report.flags else [])
    out += [
        "| level | progress | passed | in progress | wrong | todo |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for level, members in _levels(grades).items():
        n = {s: sum(g.state == s for g in members) for s in STATES}
        out.append(
            f"| {level} {LEVELS[level]} | `{_bar(n['passed'], len(members), 10)}` "
            f"| {n['passed']}/{len(members)} | {n['in progress']} | {n['wrong']} | {n['todo']} |"
        )
    out += ["", "| kata | state | tests | flags |", "| --- | --- | --- | --- |"]
    for g in grades:
        flags = "; ".join(f.detail for f in g.flags)
        out.append(f"| {g.kata.name} | {EMOJI[g.state]} {g.state} | {counts(g)} | {flags} |")
    upcoming = report.next()
    if upcoming:
        out += ["", f"**Next:** [{upcoming.kata.name}]({upcoming.kata.rel}/README.md)"]
    return "\n".join(out) + "\n"


def annotations(report: Report) -> list[str]:
    """GitHub Actions workflow commands: an error per kata that turns the run red, a notice
    per kata in progress."""
    lines = [f"::error title=grader::{f.detail}" for f in report.flags if f.suspect]
    for g in report.grades:
        stub = f"{g.kata.rel}/{g.kata.stub.name}"
        flags = "; ".join(f.detail for f in g.flags)
        if g.state == "wrong":
            what = ", ".join(g.failures[:5]) + (" ..." if len(g.failures) > 5 else "")
            lines.append(f"::error file={stub},title={g.kata.name} is wrong::{what}")
        elif g.state == "tests modified":
            test = f"{g.kata.rel}/{g.kata.test.name}"
            lines.append(f"::error file={test},title={g.kata.name}::test file modified")
        elif g.state == "not trusted":
            lines.append(f"::error file={stub},title={g.kata.name} is not trusted::{flags}")
        elif g.state == "in progress":
            lines.append(f"::notice file={stub},title={g.kata.name} in progress::{counts(g)}")
    return lines


def as_json(report: Report, torch_version: str | None) -> dict:
    grades = report.grades
    upcoming = report.next()
    summary = {"katas": len(grades)}
    summary.update({s.replace(" ", "_"): sum(g.state == s for g in grades) for s in STATES})
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "torch": torch_version,
        "summary": summary,
        "flags": [f.to_json() for f in report.flags],
        "next": upcoming.kata.name if upcoming else None,
        "exit_status": report.exit_status,
        "katas": [g.to_json() for g in grades],
    }


# --- the README's catalogue ----------------------------------------------------------------------

CATALOGUE_START, CATALOGUE_END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"


def catalogue(katas: list[Kata] | None = None) -> str:
    """The README's kata table, generated from every .meta/kata.toml."""
    rows = [
        "| # | kata | level | topics | minutes | accelerator |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kata in discover() if katas is None else katas:
        meta = kata.meta
        rows.append(
            f"| {kata.number:02d} | [{meta['title']}]({kata.rel}/README.md) "
            f"| {meta['level']} {LEVELS[meta['level']]} | {', '.join(meta['topics'])} "
            f"| {meta['minutes']} | {meta.get('accelerator', 'none')} |"
        )
    return "\n".join(rows) + "\n"


def readme_with_catalogue(readme: str) -> str:
    start, end = readme.index(CATALOGUE_START), readme.index(CATALOGUE_END)
    return readme[: start + len(CATALOGUE_START)] + "\n" + catalogue() + readme[end:]
