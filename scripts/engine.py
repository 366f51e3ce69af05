"""The kata engine: the one module the scripts share.

Parts, in order: discovery (katas and their metadata), stubs (generated from the solution),
names (what a learner may type for a kata), manifest (hashes of the test files), reset (restore
stubs, saving the learner's file first), implementations (a solution, stub or mistake loaded in
place of the learner's file), running (pytest in a warm fork), reporting (the README catalogue;
grades as a board, JSON, Markdown and annotations), solution reveal, watch, command line.

Everything down to "running" uses the standard library alone, so listing, stub generation and
reset work before .venv exists and start instantly.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
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


def _quote(text: str) -> str:
    """A string literal as the formatter writes it: double quotes unless that needs escapes."""
    if '"' in text and "'" not in text:
        return "'" + text.replace("\\", "\\\\") + "'"
    return json.dumps(text, ensure_ascii=False)


def _raise_line(indent: str, message: str) -> list[str]:
    one_line = f"{indent}raise NotImplementedError({_quote(message)})"
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
    inner = [f"{indent}    {_quote(part)}" for part in parts]
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


# --- reset: restore stubs, never losing the learner's file -----------------------------------

BACKUPS = ROOT / ".kata-backups"


def _timestamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def backup(kata: Kata, stamp: str) -> Path:
    """Copy the learner's file to .kata-backups/<UTC time>/<kata>/ and return the copy's path."""
    folder = BACKUPS / stamp / kata.name
    suffix = 1
    while (folder / kata.stub.name).exists():  # two saves within one second
        folder = BACKUPS / f"{stamp}-{suffix}" / kata.name
        suffix += 1
    folder.mkdir(parents=True)
    copy = folder / kata.stub.name
    copy.write_bytes(kata.stub.read_bytes())
    return copy


def _write(path: Path, text: str) -> None:
    """Replace `path` atomically; a symbolic link there is replaced, never written through."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def reset(kata: Kata, stamp: str) -> str:
    """Restore the kata's stub; the learner's file is saved first. Returns what was done."""
    if stub_is_untouched(kata) and not kata.stub.is_symlink():
        return f"{kata.name}: already the untouched stub, nothing to do"
    saved = ""
    if kata.stub.exists():
        saved = f"; your file was saved to {backup(kata, stamp).relative_to(ROOT)}"
    _write(kata.stub, expected_stub(kata))
    return f"{kata.name}: restored the stub {kata.stub.relative_to(ROOT)}{saved}"


def backups_of(kata: Kata) -> list[Path]:
    """The kata's backups, newest last."""
    return sorted(BACKUPS.glob(f"*/{kata.name}/{kata.stub.name}"), key=lambda p: p.parts[-3])


def undo(kata: Kata, stamp: str) -> str:
    """Bring back the newest backup; the current file is saved first unless it is the stub."""
    copies = backups_of(kata)
    if not copies:
        raise UnknownKata(f"{kata.name} has no backup in {BACKUPS.relative_to(ROOT)}/")
    newest = copies[-1]
    saved = ""
    if kata.stub.exists() and not stub_is_untouched(kata):
        if kata.stub.read_bytes() == newest.read_bytes():
            return f"{kata.name}: already equal to the newest backup {newest.relative_to(ROOT)}"
        saved = f"; the file it replaced was saved to {backup(kata, stamp).relative_to(ROOT)}"
    _write(kata.stub, newest.read_text())
    return f"{kata.name}: brought back {newest.relative_to(ROOT)}{saved}"


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


class _SolutionFinder:
    """Finds every kata's slug as its reference solution (KATA_IMPL=*=solution)."""

    def __init__(self) -> None:
        self.solutions = {k.slug: k.solution for k in discover()}

    def find_spec(self, name, path=None, target=None):
        import importlib.util

        if name in self.solutions:
            return importlib.util.spec_from_file_location(name, self.solutions[name])
        return None


def install_impl_from_env() -> None:
    """Called by katas/conftest.py: KATA_IMPL=<kata>=<impl> swaps that kata's module;
    KATA_IMPL=*=solution swaps every kata's (the GPU suite runs the solutions that way)."""
    spec = os.environ.get("KATA_IMPL")
    if not spec:
        return
    name, _, impl = spec.partition("=")
    if name == "*":
        if impl != "solution":
            raise ValueError("KATA_IMPL=*= takes only 'solution'")
        sys.meta_path.insert(0, _SolutionFinder())
    else:
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
    if "-n" not in extra:
        # Only xdist is needed, and only for -n: importing and assertion-rewriting every
        # installed pytest plugin cost a third of a second per run.
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
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


# torch imports these lazily on the first optimizer, gradcheck or backward(gradient=...):
# seconds of CPU that every forked run would otherwise pay again.
WARM_MODULES = ("torch", "torch._dynamo", "torch.optim", "torch.fx.experimental.symbolic_shapes")
VISION_MODULES = (
    "torchvision",
    "torchvision.transforms.v2",
    "torchvision.models",
    "torchvision.ops",
)


def uses_torchvision(kata: Kata) -> bool:
    files = [kata.solution, kata.test]
    return any("torchvision" in f.read_text() for f in files if f.is_file())


def warm_up(vision: bool = False) -> None:
    """Import pytest, torch and what torch loads lazily (and torchvision when asked) once, so
    every forked run starts with them loaded. No torch operation runs here: a parent that
    started thread pools cannot fork safely. Importing these starts no thread."""
    import importlib

    import pytest  # noqa: F401

    for name in WARM_MODULES + (VISION_MODULES if vision else ()):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # What is loaded now lives as long as the process: leave it out of garbage collections, which
    # pytest forces at the end of every run (0.2 s each over torch's objects), and keep the
    # forked children's pages shared.
    gc.freeze()


def run_pytest(
    paths: list[str],
    *,
    impl: str | None = None,
    extra: list[str] = (),
    capture: bool = True,
    timeout: float = 300,
    fork: bool | None = None,
) -> Run:
    """Run pytest on `paths` in a fresh process and collect every test's outcome.

    By default on Linux the process is a fork of this one, which keeps torch imported (see
    warm_up), so a run costs the tests alone; elsewhere (macOS, Windows: forking after importing
    torch is not safe there), or with fork=False, it is a cold subprocess. With capture, the run's output is kept in Run.output
    and the child never touches this process's stdin/stdout (xdist workers talk over them).
    """
    extra = list(extra)
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        result_file, log_file = Path(tmp, "result.json"), Path(tmp, "output.log")
        start = _fork_run if (can_fork() if fork is None else fork) else _subprocess_run
        code = start(paths, extra, impl, result_file, log_file if capture else None, timeout)
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


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform == "linux"


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


# --- grading ---------------------------------------------------------------------------------

GRADE_SCHEMA_VERSION = 1
STATUSES = ("passed", "failing", "todo", "tests modified")


@dataclass
class Grade:
    kata: Kata
    status: str
    tests: dict[str, int] | None = None  # passed, failed, skipped; None when not run
    seconds: float | None = None
    failures: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        meta = self.kata.meta
        return {
            "id": self.kata.name,
            "number": self.kata.number,
            "slug": self.kata.slug,
            "title": meta["title"],
            "level": meta["level"],
            "status": self.status,
            "tests": self.tests,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "failures": self.failures,
        }


def grade(katas: list[Kata], *, require_gpu: bool = False, workers: str = "auto") -> list[Grade]:
    """Each kata's status. Untouched stubs are `todo` without running; katas whose tests (or
    the shared test files) differ from the manifest are `tests modified`; the rest run."""
    changed = modified_tests()
    shared_changed = any(f"katas/{name}" in changed for name in SHARED_TEST_FILES)
    grades, started = {}, []
    for kata in katas:
        if shared_changed or kata.test.relative_to(ROOT).as_posix() in changed:
            grades[kata.name] = Grade(kata, "tests modified")
        elif stub_is_untouched(kata):
            grades[kata.name] = Grade(kata, "todo")
        else:
            started.append(kata)
    if started:
        extra = ["--require-gpu", "-p", "no:xdist"] if require_gpu else ["-n", workers]
        if len(started) == 1 and not require_gpu:
            extra = ["-p", "no:xdist"]
        run = run_pytest([k.rel for k in started], extra=extra)
        for kata in started:
            mine = run.for_kata(kata)
            counts = {o: mine.count(o) for o in ("passed", "failed", "skipped")}
            counts["failed"] += len(mine.errors)
            ok = counts["failed"] == 0 and counts["passed"] > 0
            failures = [
                n.split("::", 1)[-1] for n, t in mine.tests.items() if t.outcome == "failed"
            ]
            grades[kata.name] = Grade(
                kata,
                "passed" if ok else "failing",
                counts,
                sum(t.seconds for t in mine.tests.values()),
                failures + [e.split(":", 1)[0] + ": cannot be collected" for e in mine.errors],
            )
    return [grades[k.name] for k in katas]


def next_kata(grades: list[Grade]) -> Grade | None:
    return next((g for g in grades if g.status != "passed"), None)


def exit_status(grades: list[Grade]) -> int:
    """1 when a started kata fails or a test file was modified; untouched stubs never fail."""
    return int(any(g.status in ("failing", "tests modified") for g in grades))


def grade_json(grades: list[Grade]) -> dict:
    from importlib import metadata

    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    counts = {status: sum(g.status == status for g in grades) for status in STATUSES}
    upcoming = next_kata(grades)
    return {
        "schema_version": GRADE_SCHEMA_VERSION,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "torch": version("torch"),
        "summary": {"katas": len(grades), **{k.replace(" ", "_"): v for k, v in counts.items()}},
        "next": upcoming.kata.name if upcoming else None,
        "exit_status": exit_status(grades),
        "katas": [g.to_json() for g in grades],
    }


def _bar(done: int, total: int, width: int = 16) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _levels(grades: list[Grade]) -> dict[int, list[Grade]]:
    levels: dict[int, list[Grade]] = {}
    for g in grades:
        levels.setdefault(g.kata.meta["level"], []).append(g)
    return levels


def _counts(g: Grade) -> str:
    if not g.tests:
        return ""
    t = g.tests
    skipped = f", {t['skipped']} skipped" if t["skipped"] else ""
    return f"{t['passed']}/{t['passed'] + t['failed']} tests{skipped}"


def board(grades: list[Grade], color: bool = False) -> str:
    """The learner's progress board for the terminal."""
    paint = {"passed": "32", "failing": "31", "todo": "2", "tests modified": "33"}
    mark = {"passed": "✓", "failing": "✗", "todo": "·", "tests modified": "!"}
    passed = sum(g.status == "passed" for g in grades)
    lines = [f"PyTorch Katas: {passed} of {len(grades)} passed  {_bar(passed, len(grades), 24)}"]
    for level, members in _levels(grades).items():
        done = sum(g.status == "passed" for g in members)
        lines.append(
            f"\nLevel {level}: {LEVELS[level]}  {_bar(done, len(members))} {done}/{len(members)}"
        )
        for g in members:
            status = f"{mark[g.status]} {g.status:<14}"
            if color:
                status = f"\033[{paint[g.status]}m{status}\033[0m"
            lines.append(f"  {g.kata.name:<36} {status} {_counts(g)}")
    upcoming = next_kata(grades)
    if upcoming:
        lines.append(f"\nNext: {upcoming.kata.rel}/README.md  ({upcoming.kata.meta['title']})")
        if upcoming.status == "failing" and upcoming.failures:
            lines.append(f"  failing: {', '.join(upcoming.failures[:3])}")
            lines.append(f"  run: scripts/watch.sh {upcoming.kata.number:02d}")
        if upcoming.status == "tests modified":
            lines.append(
                "  its tests differ from katas/tests.sha256: git checkout -- katas/ restores them"
            )
    else:
        lines.append("\nEvery kata passes. Well done!")
    return "\n".join(lines)


def markdown(grades: list[Grade]) -> str:
    """The report for $GITHUB_STEP_SUMMARY: progress per level, then every kata."""
    emoji = {"passed": "✅", "failing": "❌", "todo": "⬜", "tests modified": "⚠️"}
    passed = sum(g.status == "passed" for g in grades)
    out = [f"## PyTorch Katas: {passed} of {len(grades)} passed", ""]
    out += ["| level | progress | passed | failing | todo |", "| --- | --- | --- | --- | --- |"]
    for level, members in _levels(grades).items():
        n = {s: sum(g.status == s for g in members) for s in STATUSES}
        out.append(
            f"| {level} {LEVELS[level]} | `{_bar(n['passed'], len(members), 10)}` "
            f"| {n['passed']}/{len(members)} | {n['failing']} | {n['todo']} |"
        )
    out += ["", "| kata | status | tests | seconds |", "| --- | --- | --- | --- |"]
    for g in grades:
        seconds = "" if g.seconds is None else f"{g.seconds:.2f}"
        out.append(f"| {g.kata.name} | {emoji[g.status]} {g.status} | {_counts(g)} | {seconds} |")
    if any(g.status == "tests modified" for g in grades):
        out += [
            "",
            "⚠️ Some test files differ from `katas/tests.sha256`: grading them is not trusted.",
        ]
    upcoming = next_kata(grades)
    if upcoming:
        out += ["", f"**Next:** [{upcoming.kata.name}]({upcoming.kata.rel}/README.md)"]
    return "\n".join(out) + "\n"


def annotations(grades: list[Grade]) -> list[str]:
    """GitHub Actions workflow commands: an error annotation per failing kata."""
    lines = []
    for g in grades:
        if g.status == "failing":
            what = ", ".join(g.failures[:5]) + (" ..." if len(g.failures) > 5 else "")
            lines.append(
                f"::error file={g.kata.stub.relative_to(ROOT)},title={g.kata.name} fails::{what}"
            )
        elif g.status == "tests modified":
            lines.append(
                f"::error file={g.kata.test.relative_to(ROOT)},title={g.kata.name}::test files modified"
            )
    return lines


def accelerator_available() -> bool:
    """Whether torch sees an accelerator, asked in a child so this process never starts one."""
    import subprocess

    probe = "import torch, sys; sys.exit(0 if torch.accelerator.is_available() else 1)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


# --- solution reveal ---------------------------------------------------------------------------


def solution_diff(kata: Kata, color: bool = False) -> str:
    """The reference solution as a unified diff against the learner's file."""
    mine = kata.stub.read_text().splitlines(keepends=True) if kata.stub.exists() else []
    theirs = kata.solution.read_text().splitlines(keepends=True)
    lines = list(
        difflib.unified_diff(
            mine, theirs, f"{kata.rel}/{kata.stub.name} (yours)", f"{kata.rel}/.meta/solution.py"
        )
    )
    if not lines:
        return "Your file is identical to the reference solution.\n"
    if color:
        paint = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
        lines = [paint.get(line[:1], "") + line.rstrip("\n") + "\033[0m\n" for line in lines]
    return "".join(lines)


# --- watch -------------------------------------------------------------------------------------


def watch(kata: Kata | None) -> int:
    """Re-run one kata's tests on every save, in a warm process that keeps torch imported."""
    import watchfiles

    katas = discover()
    warm_up(vision=kata is not None and uses_torchvision(kata))
    if kata is None:
        kata = next((k for k in katas if _quick_status(k) != "passed"), katas[-1])
    warm = can_fork()
    stamp = ROOT / ".venv" / ".katas-setup"
    stamp_mtime = stamp.stat().st_mtime if stamp.exists() else None
    watched = [kata.path, KATAS / "conftest.py", KATAS / "kata_helpers.py", ROOT / "scripts"]
    note = "warm runs: torch stays imported" if warm else "cold runs: no fork on this platform"
    changed: set[str] = set()
    while True:
        print("\033[2J\033[H", end="")  # clear the screen
        cold = not warm or any(c.endswith(".py") and "/scripts/" in c for c in changed)
        cold = cold or (stamp.exists() and stamp.stat().st_mtime != stamp_mtime)
        started = time.perf_counter()
        result = run_pytest([kata.rel], capture=False, fork=not cold, timeout=600)
        took = time.perf_counter() - started
        passed, failed = result.count("passed"), result.count("failed") + len(result.errors)
        verdict = (
            "all tests pass" if failed == 0 and passed else f"{failed} failing, {passed} passing"
        )
        how = (
            "cold run: the engine or .venv changed, restart watch.sh to be warm again"
            if cold
            else note
        )
        print(f"\n{kata.name}: {verdict} in {took:.2f} s ({how})")
        print("Watching for saves; Ctrl-C stops.")
        try:
            changes = next(iter(watchfiles.watch(*watched, watch_filter=_python_file)))
        except (KeyboardInterrupt, StopIteration):
            print()
            return 0
        changed = {path for _, path in changes}


def _python_file(change, path: str) -> bool:
    return path.endswith(".py") and "__pycache__" not in path


def _quick_status(kata: Kata) -> str:
    if stub_is_untouched(kata):
        return "todo"
    run = run_pytest([kata.rel], extra=["-p", "no:xdist"])
    return (
        "passed"
        if run.count("failed") == 0 and not run.errors and run.count("passed")
        else "failing"
    )


# --- command line ----------------------------------------------------------------------------


def _resolve_all(names: list[str]) -> list[Kata]:
    """Every name resolved before anything is done: one bad name changes nothing."""
    katas = discover()
    found, problems = [], []
    for name in names:
        try:
            found.append(resolve(name, katas))
        except UnknownKata as error:
            problems.append(str(error))
    if problems:
        raise UnknownKata("\n".join(problems))
    return found


def _confirm(question: str) -> bool:
    try:
        with open("/dev/tty") as tty:
            print(question, end=" ", flush=True)
            return tty.readline().strip().lower() in ("y", "yes")
    except OSError:
        return False


def _cmd_list(args) -> int:
    for kata in discover():
        print(kata.name)
    return 0


def _cmd_which(args) -> int:
    print(_resolve_all([args.kata])[0].name)
    return 0


def _cmd_reset(args) -> int:
    if args.undo:
        print(undo(_resolve_all([args.undo])[0], _timestamp()))
        return 0
    if args.all == bool(args.katas):
        print("error: name the katas to reset, or --all (see --help)", file=sys.stderr)
        return 2
    katas = discover() if args.all else _resolve_all(args.katas)
    if args.all and not args.yes:
        if not (sys.stdin.isatty() and os.path.exists("/dev/tty")):
            print(
                "error: --all needs --yes when there is no terminal to confirm on", file=sys.stderr
            )
            return 2
        if not _confirm(f"Reset all {len(katas)} katas? Your files are saved first. [y/N]"):
            print("Nothing was reset.")
            return 1
    stamp = _timestamp()
    for kata in katas:
        print(reset(kata, stamp))
    if modified := {k.name for k in katas} & {
        Path(p).parts[1] for p in modified_tests() if p.count("/") > 1
    }:
        print(
            f"note: the tests of {', '.join(sorted(modified))} differ from katas/tests.sha256; "
            "reset restores stubs only (git checkout -- katas/NN_slug/test_*.py restores tests)"
        )
    return 0


def _cmd_grade(args) -> int:
    katas = discover()
    if args.require_gpu and not accelerator_available():
        print("error: --require-gpu, but torch sees no accelerator", file=sys.stderr)
        return 1
    grades = grade(katas, require_gpu=args.require_gpu)
    if args.json:
        Path(args.json).write_text(json.dumps(grade_json(grades), indent=2) + "\n")
    if args.markdown:
        with open(args.markdown, "a") as out:  # $GITHUB_STEP_SUMMARY is appended to
            out.write(markdown(grades))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print("\n".join(annotations(grades)))
    print(board(grades, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return exit_status(grades)


def _cmd_solution(args) -> int:
    kata = _resolve_all([args.kata])[0]
    status = _quick_status(kata)
    if status != "passed":
        if not args.force:
            print(
                f"{kata.name} is {status}: the solution is shown once its tests pass "
                f"(or with --force). Try the README's hints first.",
                file=sys.stderr,
            )
            return 1
        if not _confirm(
            f"{kata.name} does not pass yet. Show the reference solution anyway? [y/N]"
        ):
            print("Not shown.", file=sys.stderr)
            return 1
    print(solution_diff(kata, color=sys.stdout.isatty()), end="")
    return 0


def _cmd_watch(args) -> int:
    return watch(_resolve_all([args.kata])[0] if args.kata else None)


def _cmd_stubs(args) -> int:
    """Regenerate stubs (--check: only report the ones out of sync)."""
    katas = discover()
    chosen = _resolve_all(args.katas) if args.katas else katas
    stale = [k for k in chosen if not stub_is_untouched(k)]
    for kata in stale:
        if args.check:
            print(
                f"{kata.stub.relative_to(ROOT)} differs from the stub generated from its solution"
            )
        else:
            _write(kata.stub, expected_stub(kata))
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

    def command(name, func, help, **defaults):
        prog = os.environ.get("KATAS_PROG", f"engine.py {name}")  # set by the scripts/*.sh wrappers
        p = sub.add_parser(name, help=help, description=help, prog=prog)
        p.set_defaults(func=func, **defaults)
        return p

    command("list", _cmd_list, "list the katas in order")
    command(
        "which", _cmd_which, "the folder of a kata named by number, folder or slug"
    ).add_argument("kata")
    p = command("reset", _cmd_reset, "restore katas to their stub, saving your file first")
    p.add_argument("katas", nargs="*", metavar="KATA", help="7, 07, 07_slug or slug")
    p.add_argument("--all", action="store_true", help="every kata (asks first)")
    p.add_argument(
        "--yes", action="store_true", help="do not ask (needed for --all without a terminal)"
    )
    p.add_argument("--undo", metavar="KATA", help="bring back the newest backup of KATA")
    p = command("grade", _cmd_grade, "every kata's status and the next one to do")
    p.add_argument(
        "--json",
        metavar="FILE",
        help=f"also write the report as JSON (schema version {GRADE_SCHEMA_VERSION})",
    )
    p.add_argument(
        "--markdown",
        metavar="FILE",
        help="also append a Markdown report (e.g. $GITHUB_STEP_SUMMARY)",
    )
    p.add_argument(
        "--require-gpu", action="store_true", help="run accelerator tests too; fail without one"
    )
    p = command(
        "solution", _cmd_solution, "show the reference solution as a diff, once the kata passes"
    )
    p.add_argument("kata")
    p.add_argument("--force", action="store_true", help="before passing, after a confirmation")
    p = command("watch", _cmd_watch, "re-run a kata's tests on every save")
    p.add_argument("kata", nargs="?", help="default: the first kata that does not pass")
    for name, func, what in [
        ("stubs", _cmd_stubs, "regenerate stubs from the solutions"),
        ("manifest", _cmd_manifest, "rewrite katas/tests.sha256, the hashes of the test files"),
        ("catalogue", _cmd_catalogue, "rewrite the README's kata catalogue from .meta/kata.toml"),
    ]:
        p = command(name, func, what, katas=[])
        p.add_argument("--check", action="store_true", help="only check, write nothing")
        if name == "stubs":
            p.add_argument("katas", nargs="*", metavar="KATA", help="only these katas")
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UnknownKata as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except StubError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
