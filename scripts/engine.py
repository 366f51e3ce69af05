"""The kata engine: the one module the scripts share.

Parts, in order: discovery (katas and their metadata), stubs (generated from the solution),
names (what a learner may type for a kata), manifest (hashes of the test files), implementations
(loading a solution, stub or mistake in place of the learner's file), running (pytest in a warm
fork), and reporting (the progress board, JSON and Markdown).

Everything down to "running" uses the standard library alone, so listing, stub generation and
reset work before .venv exists and start instantly.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KATAS = ROOT / "katas"
MANIFEST = KATAS / "tests.sha256"
SHARED_TEST_FILES = ("conftest.py", "kata_helpers.py")
LEVELS = {
    1: "tensors",
    2: "autograd",
    3: "modules and optimisation",
    4: "data and training",
    5: "vision with torchvision",
    6: "sequences and attention",
    7: "performance and devices",
    8: "scale and deployment",
}
# Names a slug may not take because the test machinery imports them.
RESERVED = {"conftest", "kata_helpers", "engine", "solution"}


# --- discovery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kata:
    path: Path

    @property
    def name(self) -> str:  # "01_tensor_creation"
        return self.path.name

    @property
    def number(self) -> int:
        return int(self.name[:2])

    @property
    def slug(self) -> str:  # "tensor_creation"
        return self.name[3:]

    @property
    def stub(self) -> Path:
        return self.path / f"{self.slug}.py"

    @property
    def test(self) -> Path:
        return self.path / f"test_{self.slug}.py"

    @property
    def solution(self) -> Path:
        return self.path / ".meta" / "solution.py"

    @property
    def mistakes(self) -> list[Path]:
        return sorted((self.path / ".meta" / "mistakes").glob("*.py"))

    @property
    def meta(self) -> dict:
        return tomllib.loads((self.path / ".meta" / "kata.toml").read_text())

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def discover(root: Path = KATAS) -> list[Kata]:
    return sorted(
        (
            Kata(p)
            for p in root.iterdir()
            if p.is_dir() and re.fullmatch(r"\d\d_[a-z0-9_]+", p.name)
        ),
        key=lambda k: k.name,
    )


# --- stubs -----------------------------------------------------------------------------------

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::[ \t]*(?P<message>.*?))?[ \t]*$")
END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
LINE_LENGTH = 100


class StubError(ValueError):
    pass


def _raise_line(indent: str, message: str) -> list[str]:
    one_line = f"{indent}raise NotImplementedError({json.dumps(message)})"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    # Too long for one line: implicit concatenation, which the formatter leaves alone.
    words, parts, current = message.split(" "), [], ""
    width = LINE_LENGTH - len(indent) - 8
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            parts.append(current + " ")
            current = word
        else:
            current = f"{current} {word}" if current else word
    parts.append(current)
    inner = [f"{indent}    {json.dumps(part)}" for part in parts]
    return [f"{indent}raise NotImplementedError(", *inner, f"{indent})"]


def generate_stub(solution: str, origin: str = "solution") -> str:
    """The learner's stub: every `# BEGIN SOLUTION: message` ... `# END SOLUTION` region of the
    solution becomes `raise NotImplementedError("message")`; a region with no message (say,
    an import only the solution needs) is dropped."""
    out: list[str] = []
    region = None  # (line number, indent, message) while inside a region
    for number, line in enumerate(solution.splitlines(), 1):
        if begin := BEGIN.match(line):
            if region:
                raise StubError(f"{origin}:{number}: BEGIN SOLUTION inside another region")
            region = (number, begin["indent"], begin["message"])
        elif END.match(line):
            if not region:
                raise StubError(f"{origin}:{number}: END SOLUTION without BEGIN SOLUTION")
            _, indent, message = region
            if message:
                out.extend(_raise_line(indent, message))
            region = None
        elif not region:
            out.append(line)
    if region:
        raise StubError(f"{origin}:{region[0]}: BEGIN SOLUTION is never closed")
    text = "\n".join(out) + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


def expected_stub(kata: Kata) -> str:
    return generate_stub(kata.solution.read_text(), kata.solution.relative_to(ROOT).as_posix())


def stub_is_untouched(kata: Kata) -> bool:
    return kata.stub.is_file() and kata.stub.read_text() == expected_stub(kata)


# --- names -----------------------------------------------------------------------------------


class UnknownKata(LookupError):
    pass


def resolve(name: str, katas: list[Kata]) -> Kata:
    """A kata by number (`7`, `07`), folder (`07_slug`, `katas/07_slug/`) or slug."""
    given = name.strip().rstrip("/")
    key = given.removeprefix("katas/")
    for kata in katas:
        if key in (kata.name, kata.slug) or (key.isdigit() and int(key) == kata.number):
            return kata
    names = [k.name for k in katas] + [k.slug for k in katas]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
    close += [k.name for k in katas if key and key in k.name and k.name not in close]
    hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
    raise UnknownKata(f"no kata named '{given}'{hint} (scripts/grade.sh lists them all)")


# --- manifest of test files (detects edited tests) --------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_files() -> list[Path]:
    return [KATAS / name for name in SHARED_TEST_FILES] + [k.test for k in discover()]


def render_manifest() -> str:
    lines = [f"{_sha256(p)}  {p.relative_to(ROOT).as_posix()}" for p in manifest_files()]
    return "\n".join(lines) + "\n"


def modified_tests() -> set[str]:
    """Repository-relative paths of test files that differ from the manifest."""
    recorded = {}
    if MANIFEST.is_file():
        for line in MANIFEST.read_text().splitlines():
            digest, _, rel = line.partition("  ")
            recorded[rel] = digest
    changed = set()
    for path in manifest_files():
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or recorded.get(rel) != _sha256(path):
            changed.add(rel)
    return changed


# --- implementations: what the tests import under the kata's slug ------------------------------


def _module_from_source(name: str, source: str, filename: Path) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(filename)
    sys.modules[name] = module
    exec(compile(source, str(filename), "exec"), module.__dict__)
    return module


def install_impl(kata: Kata, impl: str) -> None:
    """Put `impl` in sys.modules under the kata's slug before its tests import it.

    impl is "solution", "stub" (generated from the solution, whatever the learner's file
    says) or "mistake:<name>" (a file of .meta/mistakes/, which may `from solution import *`).
    """
    if impl == "solution":
        _module_from_source(kata.slug, kata.solution.read_text(), kata.solution)
    elif impl == "stub":
        _module_from_source(kata.slug, expected_stub(kata), kata.stub)
    elif impl.startswith("mistake:"):
        path = kata.path / ".meta" / "mistakes" / f"{impl.removeprefix('mistake:')}.py"
        _module_from_source("solution", kata.solution.read_text(), kata.solution)
        _module_from_source(kata.slug, path.read_text(), path)
    else:
        raise ValueError(f"unknown implementation {impl!r}")


def install_impl_from_env() -> None:
    """Called by katas/conftest.py: KATA_IMPL=<kata>=<impl> swaps that kata's module."""
    spec = os.environ.get("KATA_IMPL")
    if spec:
        name, _, impl = spec.partition("=")
        install_impl(resolve(name, discover()), impl)


# --- running ---------------------------------------------------------------------------------


@dataclass
class TestResult:
    outcome: str  # passed, failed, skipped
    seconds: float = 0.0
    message: str = ""


@dataclass
class Run:
    exit_code: int
    tests: dict[str, TestResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # collection errors
    output: str = ""

    def count(self, outcome: str) -> int:
        return sum(t.outcome == outcome for t in self.tests.values())

    def for_kata(self, kata: Kata) -> Run:
        prefix = kata.rel + "/"
        return Run(
            self.exit_code,
            {k: v for k, v in self.tests.items() if k.startswith(prefix)},
            [e for e in self.errors if e.startswith(prefix)],
        )


class Collector:
    """A pytest plugin that records each test's outcome (xdist sends workers' reports here)."""

    def __init__(self) -> None:
        self.run = Run(exit_code=-1)

    def pytest_runtest_logreport(self, report) -> None:
        test = self.run.tests.setdefault(report.nodeid, TestResult("passed"))
        test.seconds += report.duration
        if report.failed:
            test.outcome = "failed"
            test.message = test.message or _short(report)
        elif report.skipped and test.outcome != "failed":
            test.outcome = "skipped"
            test.message = test.message or _short(report)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.run.errors.append(f"{report.nodeid}: {_short(report)}")


def _short(report) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return report.longrepr[2]
    text = str(report.longrepr or "")
    return text[-2000:]


def _pytest_args(paths: list[str], extra: list[str]) -> list[str]:
    return [*paths, "-q", "--no-header", "-p", "no:cacheprovider", *extra]


def _child(paths, extra, impl, result_file) -> int:
    import pytest

    if impl:
        os.environ["KATA_IMPL"] = impl
    collector = Collector()
    code = pytest.main(_pytest_args(paths, extra), plugins=[collector])
    collector.run.exit_code = int(code)
    Path(result_file).write_text(json.dumps(_run_to_dict(collector.run)))
    return int(code)


def _run_to_dict(run: Run) -> dict:
    return {
        "exit_code": run.exit_code,
        "tests": {k: vars(v) for k, v in run.tests.items()},
        "errors": run.errors,
    }


def warm_up() -> None:
    """Import torch and pytest once, so every forked run starts with them loaded. No torch
    operation runs here: a parent that started thread pools cannot fork safely."""
    import pytest  # noqa: F401

    with contextlib.suppress(ImportError):
        import torch  # noqa: F401


def run_pytest(
    paths: list[str],
    *,
    impl: str | None = None,
    extra: list[str] = (),
    capture: bool = True,
    timeout: float = 300,
) -> Run:
    """Run pytest on `paths` in a fresh process and collect every test's outcome.

    On Linux the process is a fork of this one, which keeps torch imported (see warm_up), so a
    run costs the tests alone; elsewhere (macOS, Windows: forking after importing torch is not
    safe there) it is a cold subprocess. With capture, the run's output is kept in Run.output
    and the child never touches this process's stdin/stdout (xdist workers talk over them).
    """
    extra = list(extra)
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        result_file, log_file = Path(tmp, "result.json"), Path(tmp, "output.log")
        if hasattr(os, "fork") and sys.platform == "linux":
            code = _fork_run(
                paths, extra, impl, result_file, log_file if capture else None, timeout
            )
        else:
            code = _subprocess_run(
                paths, extra, impl, result_file, log_file if capture else None, timeout
            )
        output = log_file.read_text(errors="replace") if log_file.exists() else ""
        if not result_file.exists():
            return Run(code, errors=[f"pytest did not finish (exit {code})"], output=output)
        data = json.loads(result_file.read_text())
    return Run(
        data["exit_code"],
        {k: TestResult(**v) for k, v in data["tests"].items()},
        data["errors"],
        output,
    )


def _fork_run(paths, extra, impl, result_file, log_file, timeout) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never return into the parent's code
        code = 70
        try:
            os.setpgid(0, 0)
            if log_file:
                null = os.open(os.devnull, os.O_RDONLY)
                log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(null, 0)
                os.dup2(log, 1)
                os.dup2(log, 2)
            code = _child(paths, extra, impl, result_file)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.killpg(pid, 9)
            os.waitpid(pid, 0)
            return 124
        time.sleep(0.02)


def _subprocess_run(paths, extra, impl, result_file, log_file, timeout) -> int:
    import subprocess

    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import engine, json; "
        "a = json.loads(sys.argv[2]); sys.exit(engine._child(*a))"
    )
    args = json.dumps([paths, extra, impl, str(result_file)])
    out = open(log_file, "w") if log_file else None  # noqa: SIM115
    try:
        return subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "scripts"), args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            timeout=timeout,
        ).returncode
    except subprocess.TimeoutExpired:
        return 124
    finally:
        if out:
            out.close()


# --- reporting -------------------------------------------------------------------------------


def catalogue() -> str:
    """The README's kata table, generated from every .meta/kata.toml."""
    rows = [
        "| # | kata | level | topics | minutes | accelerator |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kata in discover():
        meta = kata.meta
        rows.append(
            f"| {kata.number:02d} | [{meta['title']}]({kata.rel}/README.md) "
            f"| {meta['level']} {LEVELS[meta['level']]} | {', '.join(meta['topics'])} "
            f"| {meta['minutes']} | {meta.get('accelerator', 'none')} |"
        )
    return "\n".join(rows) + "\n"


CATALOGUE_START, CATALOGUE_END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"


def readme_with_catalogue(readme: str) -> str:
    start, end = readme.index(CATALOGUE_START), readme.index(CATALOGUE_END)
    return readme[: start + len(CATALOGUE_START)] + "\n" + catalogue() + readme[end:]


# --- command line ----------------------------------------------------------------------------


def _cmd_list(args) -> int:
    for kata in discover():
        print(kata.name)
    return 0


def _cmd_which(args) -> int:
    try:
        print(resolve(args.kata, discover()).name)
    except UnknownKata as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _cmd_stubs(args) -> int:
    """Regenerate stubs (--check: only report the ones out of sync)."""
    katas = discover()
    chosen = [resolve(name, katas) for name in args.katas] if args.katas else katas
    stale = [k for k in chosen if not stub_is_untouched(k)]
    for kata in stale:
        if args.check:
            print(
                f"{kata.stub.relative_to(ROOT)} differs from the stub generated from its solution"
            )
        else:
            kata.stub.write_text(expected_stub(kata))
            print(f"wrote {kata.stub.relative_to(ROOT)}")
    if args.check and stale:
        print("run: python3 scripts/engine.py stubs   (maintainers: after editing a solution)")
    return 1 if args.check and stale else 0


def _cmd_manifest(args) -> int:
    text = render_manifest()
    if args.check:
        if not MANIFEST.is_file() or MANIFEST.read_text() != text:
            print(
                f"{MANIFEST.relative_to(ROOT)} is out of date: run python3 scripts/engine.py manifest"
            )
            return 1
        return 0
    MANIFEST.write_text(text)
    print(f"wrote {MANIFEST.relative_to(ROOT)}")
    return 0


def _cmd_catalogue(args) -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = readme_with_catalogue(text)
    if args.check:
        if new != text:
            print(
                "README.md's kata catalogue is out of date: run python3 scripts/engine.py catalogue"
            )
            return 1
        return 0
    readme.write_text(new)
    print("README.md catalogue updated")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="engine.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the katas in order").set_defaults(func=_cmd_list)
    which = sub.add_parser("which", help="the folder of a kata named by number, folder or slug")
    which.add_argument("kata")
    which.set_defaults(func=_cmd_which)
    for name, func, what in [
        ("stubs", _cmd_stubs, "regenerate every kata's stub from its solution"),
        ("manifest", _cmd_manifest, "rewrite katas/tests.sha256, the hashes of the test files"),
        ("catalogue", _cmd_catalogue, "rewrite the README's kata catalogue from .meta/kata.toml"),
    ]:
        command = sub.add_parser(name, help=what)
        command.add_argument("--check", action="store_true", help="only check, write nothing")
        command.set_defaults(func=func, katas=[])
        if name == "stubs":
            command.add_argument("katas", nargs="*", metavar="KATA", help="only these katas")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
