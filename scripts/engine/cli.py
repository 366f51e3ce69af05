"""The command line behind scripts/*.sh (and `python3 scripts/engine COMMAND` for maintainers).

Each command has its own parser named after the script that runs it, so a usage error names
`scripts/reset.sh`, never the engine. Bad input exits 2 with one line; nothing is half done.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from engine import backups, hints, manifest
from engine.discovery import ROOT, UnknownKata, discover, resolve_all
from engine.stubs import StubError, expected_stub, stub_is_untouched


class UsageError(Exception):
    pass


def _confirm(question: str) -> bool:
    with open("/dev/tty") as tty:
        print(question, end=" ", flush=True)
        return tty.readline().strip().lower() in ("y", "yes")


def _has_terminal() -> bool:
    return sys.stdin.isatty() and os.path.exists("/dev/tty")


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# --- learners' commands ----------------------------------------------------------------------


def cmd_reset(args) -> int:
    if args.all and (args.katas or args.undo or args.tests):
        raise UsageError("--all restores every stub; it takes no kata names, --undo or --tests")
    if args.undo and args.tests:
        raise UsageError("--undo and --tests do different things: use one")
    if not args.all and not args.katas:
        raise UsageError("name the katas to reset, or --all (see --help)")
    katas = discover() if args.all else resolve_all(args.katas)
    stamp = backups.timestamp()
    if args.undo:
        for kata in katas:  # every kata has a backup, or nothing is undone
            backups.check_undo(kata)
        for kata in katas:
            print(backups.undo(kata, stamp))
        return 0
    if args.tests:
        for kata in katas:  # every recorded version is found, or nothing is restored
            backups.recorded_test(kata)
        for kata in katas:
            print(backups.reset_tests(kata, stamp))
        return 0
    if args.all and not args.yes:
        if not _has_terminal():
            raise UsageError("--all needs --yes when there is no terminal to confirm on")
        if not _confirm(f"Reset all {len(katas)} katas? Your files are saved first. [y/N]"):
            print("Nothing was reset.")
            return 1
    for kata in katas:
        print(backups.reset(kata, stamp))
    edited = [k for k in katas if k.test.relative_to(ROOT).as_posix() in manifest.modified_files()]
    for kata in edited:
        print(
            f"note: {kata.name}'s test file differs from katas/manifest.json; "
            f"scripts/reset.sh --tests {kata.number:02d} restores it (saving your copy first)"
        )
    return 0


def _load_torch() -> str | None:
    try:
        import torch
    except ImportError as error:
        print(f"error: torch cannot be imported ({error}): run scripts/doctor.sh", file=sys.stderr)
        return None
    return torch.__version__


def cmd_grade(args) -> int:
    from engine import reports
    from engine.grading import grade
    from engine.running import accelerator_available, uses_torchvision, warm_up

    version = _load_torch()
    if version is None:
        return 1
    if args.require_gpu and not accelerator_available():
        print(
            "error: --require-gpu, but torch sees no accelerator (scripts/doctor.sh)",
            file=sys.stderr,
        )
        return 1
    katas = discover()
    warm_up(vision=any(uses_torchvision(k) for k in katas if not stub_is_untouched(k)))
    report = grade(katas, require_gpu=args.require_gpu)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print("\n".join(reports.annotations(report)))
    print(reports.board(report, color=_color()))
    try:
        if args.json:
            data = reports.as_json(report, version)
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
        if args.markdown:
            with open(args.markdown, "a") as out:  # $GITHUB_STEP_SUMMARY is appended to
                out.write(reports.markdown(report))
    except OSError as error:
        print(f"error: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    return report.exit_status


def cmd_solution(args) -> int:
    from engine.reveal import solution_diff
    from engine.watch import _passes

    kata = resolve_all([args.kata])[0]
    if not _passes(kata):
        if not (args.force or args.yes):
            print(
                f"{kata.name} does not pass yet: the solution is shown once its tests pass "
                f"(or with --force). Try scripts/hint.sh {kata.number:02d} first.",
                file=sys.stderr,
            )
            return 1
        if not args.yes:
            if not _has_terminal():
                raise UsageError("--force asks first, and there is no terminal: add --yes")
            if not _confirm(f"{kata.name} does not pass yet. Show the solution anyway? [y/N]"):
                print("Not shown: you answered no.", file=sys.stderr)
                return 1
    print(solution_diff(kata, color=_color()), end="")
    return 0


def cmd_watch(args) -> int:
    from engine.watch import watch

    kata = resolve_all([args.kata])[0] if args.kata is not None else None
    try:
        return watch(kata)
    except KeyboardInterrupt:
        print()
        return 0


def cmd_hint(args) -> int:
    kata = resolve_all([args.kata])[0]
    task = None
    if args.task is not None:
        if not (args.task.isascii() and args.task.isdigit()):
            raise UsageError(f"TASK is a task number, not '{args.task}'")
        task = int(args.task)
    try:
        print(hints.show(kata, task))
    except hints.NoHint as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_doctor(args) -> int:
    from engine import doctor

    return doctor.run()


# --- maintainers' commands ---------------------------------------------------------------------


def cmd_list(args) -> int:
    for kata in discover():
        print(kata.name)
    return 0


def cmd_which(args) -> int:
    print(resolve_all([args.kata])[0].name)
    return 0


def cmd_stubs(args) -> int:
    """Regenerate stubs (--check: only report the ones out of sync)."""
    chosen = resolve_all(args.katas) if args.katas else discover()
    stale = [k for k in chosen if not stub_is_untouched(k)]
    for kata in stale:
        if args.check:
            print(f"{kata.stub.relative_to(ROOT)} differs from the stub its solution generates")
        else:
            backups.write(kata.stub, expected_stub(kata))
            print(f"wrote {kata.stub.relative_to(ROOT)}")
    if args.check and stale:
        print("run: python3 scripts/engine stubs   (maintainers: after editing a solution)")
    return 1 if args.check and stale else 0


def cmd_manifest(args) -> int:
    from engine.running import collect_ids, warm_up

    katas = discover()
    warm_up()
    text = manifest.render(collect_ids(katas))
    where = manifest.MANIFEST.relative_to(ROOT)
    if args.check:
        if not manifest.MANIFEST.is_file() or manifest.MANIFEST.read_text() != text:
            print(f"{where} is out of date: run python3 scripts/engine manifest")
            return 1
        return 0
    manifest.MANIFEST.write_text(text)
    print(f"wrote {where}")
    return 0


def cmd_catalogue(args) -> int:
    from engine.reports import readme_with_catalogue

    readme = ROOT / "README.md"
    text = readme.read_text()
    new = readme_with_catalogue(text)
    if args.check:
        if new != text:
            print("README.md's catalogue is out of date: run python3 scripts/engine catalogue")
            return 1
        return 0
    readme.write_text(new)
    print("README.md catalogue updated")
    return 0


def cmd_hints(args) -> int:
    """Check every README's hint ladders."""
    bad = 0
    for kata in resolve_all(args.katas) if args.katas else discover():
        for problem in hints.parse(kata.readme.read_text())[1]:
            print(f"{kata.rel}/README.md: {problem}")
            bad += 1
    return int(bad > 0)


# --- parsers ---------------------------------------------------------------------------------------


def _parser(command: str, description: str) -> argparse.ArgumentParser:
    prog = os.environ.get("KATAS_PROG") or f"python3 scripts/engine {command}"
    return argparse.ArgumentParser(prog=prog, description=description)


def _parsers() -> dict[str, argparse.ArgumentParser]:
    kata_help = "a kata: 7, 07, 07_slug or slug"
    p = {}
    p["reset"] = r = _parser("reset", "Restore katas to their stub, saving your file first.")
    r.add_argument("katas", nargs="*", metavar="KATA", help=kata_help)
    r.add_argument("--all", action="store_true", help="every kata (asks first)")
    r.add_argument("--yes", action="store_true", help="do not ask (for --all without a terminal)")
    r.add_argument("--undo", action="store_true", help="bring back each KATA's newest backup")
    r.add_argument(
        "--tests", action="store_true", help="restore only each KATA's test file (saved first)"
    )
    p["grade"] = g = _parser("grade", "Every kata's state and the next one to do.")
    g.add_argument("--json", metavar="FILE", help="also write the report as JSON (schema v2)")
    g.add_argument("--markdown", metavar="FILE", help="also append a Markdown report")
    g.add_argument("--require-gpu", action="store_true", help="fail where torch sees no GPU")
    p["solution"] = s = _parser("solution", "The reference solution as a diff, once it passes.")
    s.add_argument("kata", metavar="KATA", help=kata_help)
    s.add_argument("--force", action="store_true", help="before passing, after a confirmation")
    s.add_argument("--yes", action="store_true", help="with --force: do not ask")
    p["watch"] = w = _parser(
        "watch", "Re-run a kata's tests on every save. Keys: h hint, n next kata, q quit."
    )
    w.add_argument("kata", nargs="?", metavar="KATA", help="default: the first that does not pass")
    p["hint"] = h = _parser("hint", "The next hint for a kata's task: one rung more each time.")
    h.add_argument("kata", metavar="KATA", help=kata_help)
    h.add_argument("task", nargs="?", metavar="TASK", help="a task number (default: the next)")
    p["doctor"] = _parser("doctor", "Check the environment; a one-line fix for each problem.")
    p["list"] = _parser("list", "List the katas in order.")
    p["which"] = wh = _parser("which", "The folder of a kata.")
    wh.add_argument("kata", metavar="KATA", help=kata_help)
    for name, what in [
        ("stubs", "Regenerate stubs from the solutions."),
        ("manifest", "Rewrite katas/manifest.json (grader hashes, expected tests)."),
        ("catalogue", "Rewrite the README's kata catalogue from .meta/kata.toml."),
        ("hints", "Check every README's hint ladders."),
    ]:
        p[name] = m = _parser(name, what)
        if name != "hints":
            m.add_argument("--check", action="store_true", help="only check, write nothing")
        if name in ("stubs", "hints"):
            m.add_argument("katas", nargs="*", metavar="KATA", help="only these katas")
    return p


COMMANDS = {
    "reset": cmd_reset,
    "grade": cmd_grade,
    "solution": cmd_solution,
    "watch": cmd_watch,
    "hint": cmd_hint,
    "doctor": cmd_doctor,
    "list": cmd_list,
    "which": cmd_which,
    "stubs": cmd_stubs,
    "manifest": cmd_manifest,
    "catalogue": cmd_catalogue,
    "hints": cmd_hints,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python3 scripts/engine {{{','.join(COMMANDS)}}} ...", file=sys.stderr)
        return 2
    parser = _parsers()[argv[0]]
    args = parser.parse_args(argv[1:])
    try:
        return COMMANDS[argv[0]](args)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except UnknownKata as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (StubError, backups.WriteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
