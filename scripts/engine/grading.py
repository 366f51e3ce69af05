"""Each kata's state, from a run of its tests and what integrity finds.

todo            the stub is untouched: nothing to run
in progress     nothing wrong so far, but some tests are still to do (a task raises
                NotImplementedError, a test was skipped by the learner's code, or an
                expected test did not run)
wrong           some test fails for another reason, or the file cannot be collected
passed          every expected test ran and passed (accelerator tests may skip where the
                machine lacks one); notes such as "identical to the reference" stay beside it
tests modified  the kata's test file differs from the manifest: not run, not trusted
not trusted     the run was tampered with, or a suspect flag stands beside an otherwise
                passing kata: grading cannot vouch for it
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from engine import integrity, manifest
from engine.discovery import ROOT, Kata, discover
from engine.integrity import Flag
from engine.running import Run, run_many
from engine.stubs import stub_is_untouched

STATES = ("passed", "in progress", "wrong", "todo", "tests modified", "not trusted")
FAILING = ("wrong", "tests modified", "not trusted")


@dataclass
class Grade:
    kata: Kata
    state: str
    tests: dict[str, int] | None = None  # passed, wrong, todo, skipped, missing; None: not run
    seconds: float | None = None
    failures: list[str] = field(default_factory=list)  # the wrong ones
    todo: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def to_json(self) -> dict:
        meta = self.kata.meta
        return {
            "id": self.kata.name,
            "number": self.kata.number,
            "slug": self.kata.slug,
            "title": meta["title"],
            "level": meta["level"],
            "status": self.state,
            "tests": self.tests,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "failures": self.failures,
            "todo": self.todo,
            "flags": [f.to_json() for f in self.flags],
        }


@dataclass
class Report:
    grades: list[Grade]
    flags: list[Flag]  # for the whole run: grader files changed, configuration ignored

    @property
    def exit_status(self) -> int:
        """1 for a wrong answer or a grader not to be trusted; work in progress never fails."""
        wrong = any(g.state in FAILING for g in self.grades)
        return int(wrong or any(f.suspect for f in self.flags))

    def next(self) -> Grade | None:
        return next((g for g in self.grades if g.state != "passed"), None)


def judge(kata: Kata, run: Run, expected: list[str], flags: list[Flag]) -> Grade:
    """A kata's grade from its run."""
    tests = {k.split("::", 1)[-1]: t for k, t in run.tests.items()}
    wrong = [n for n, t in tests.items() if t.outcome == "failed" and not t.todo]
    todo = [n for n, t in tests.items() if t.outcome == "failed" and t.todo]
    skipped = [n for n, t in tests.items() if t.outcome == "skipped" and not t.accelerator_skip]
    missing = [n for n in expected if n not in tests]
    flags = list(flags)
    if skipped:
        flags.append(Flag("skipped", f"{len(skipped)} tests skipped by your code", False))
    if missing and tests:
        flags.append(Flag("tests-missing", f"{len(missing)} expected tests did not run", False))
    if run.meta_reads:
        names = sorted({os.path.relpath(p, ROOT) for p in run.meta_reads})
        flags.append(Flag("reads-meta", f"your code opened {', '.join(names)}"))
    flags += [Flag("tampering", why) for why in run.tampering]
    counts = {
        "passed": sum(t.outcome == "passed" for t in tests.values()),
        "wrong": len(wrong) + len(run.errors),
        "todo": len(todo) + len(skipped) + len(missing),
        "skipped": sum(t.accelerator_skip for t in tests.values()),
    }
    if run.tampering:
        state = "not trusted"
    elif wrong or run.errors or not tests:
        state = "wrong"
    elif todo or skipped or missing:
        state = "in progress"
    elif any(f.suspect for f in flags):
        state = "not trusted"
    else:
        state = "passed"
    errors = [e.split(":", 1)[0] + ": cannot be collected" for e in run.errors]
    return Grade(
        kata,
        state,
        counts,
        sum(t.seconds for t in tests.values()),
        wrong + errors,
        todo + skipped + missing,
        flags,
    )


def workers_for(count: int) -> int:
    """One child at a time for a kata or two (a second would fight the first for the cores);
    one per core for more."""
    return 1 if count <= 2 else min(count, os.cpu_count() or 1)


def grade(katas: list[Kata], *, require_gpu: bool = False) -> Report:
    """Every kata's grade. Untouched stubs are `todo` without running; a kata whose test file
    differs from the manifest is `tests modified`; each other kata runs in its own child."""
    recorded = manifest.load()
    changed = set(manifest.modified_files(recorded))
    run_flags = integrity.configuration_flags()
    shared = sorted(changed - {k.test.relative_to(ROOT).as_posix() for k in discover()})
    if shared:
        run_flags.insert(0, Flag("grader-modified", f"changed: {', '.join(shared)}"))
    grades: dict[str, Grade] = {}
    started = []
    for kata in katas:
        if kata.test.relative_to(ROOT).as_posix() in changed:
            grades[kata.name] = Grade(kata, "tests modified")
        elif stub_is_untouched(kata):
            grades[kata.name] = Grade(kata, "todo")
        else:
            started.append(kata)
    extra = ["--require-gpu"] if require_gpu else []
    runs = run_many(
        [([k.rel], None) for k in started], workers=workers_for(len(started)), extra=extra
    )
    for kata, run in zip(started, runs, strict=True):
        flags = integrity.learner_flags(kata)
        if shared:
            flags.append(Flag("grader-modified", "the grader's files differ from the manifest"))
        grades[kata.name] = judge(kata, run, manifest.expected_tests(kata, recorded), flags)
    return Report([grades[k.name] for k in katas], run_flags)
