"""Running a kata's tests: pytest in a child process, outcomes collected where they are kept.

A run uses the repository's configuration only: pyproject.toml's pytest settings, the one
katas/conftest.py (loaded as a plugin; every other conftest.py is ignored), no plugin that
autoloads, and none of $PYTEST_ADDOPTS, $PYTEST_PLUGINS or $KATA_IMPL from outside.

The learner's code runs inside the child, so nothing the child reports is beyond its reach; a
run is trusted only when a sentinel test that must fail did fail and pytest's machinery is still
the machinery it started with. One kata per child keeps a patch in one kata from reaching
another's grade.

On Linux the child is a fork of a process that keeps torch imported (see warm_up), so a run
costs the tests alone; elsewhere (forking after importing torch is not safe on macOS or Windows)
it is a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.discovery import KATAS, ROOT, Kata
from engine.integrity import ENVIRONMENT

ACCELERATOR_MARKERS = ("gpu", "cuda", "rocm", "mps", "xpu")
SENTINEL = "test_kata_grader_sentinel.py"
SENTINEL_SOURCE = 'def test_sentinel():\n    raise AssertionError("the grader\'s sentinel fails")\n'
# What a patch of pytest would have to replace to turn failures into passes.
MACHINERY = (
    ("_pytest.python", "Function", "runtest"),
    ("_pytest.runner", None, "call_and_report"),
    ("_pytest.runner", None, "runtestprotocol"),
    ("_pytest.runner", "CallInfo", "from_call"),
    ("_pytest.reports", "TestReport", "from_item_and_call"),
    ("_pytest.reports", "BaseReport", "passed"),
    ("_pytest.reports", "BaseReport", "failed"),
    ("_pytest.outcomes", None, "skip"),
)


@dataclass
class TestResult:
    outcome: str  # passed, failed, skipped
    seconds: float = 0.0
    message: str = ""
    todo: bool = False  # failed only because a task still raises NotImplementedError
    accelerator_skip: bool = False  # skipped because this machine lacks the accelerator


@dataclass
class Run:
    exit_code: int
    tests: dict[str, TestResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # collection errors
    output: str = ""
    collected: list[str] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)  # why the run cannot be trusted
    meta_reads: list[str] = field(default_factory=list)  # .meta/ files the learner's code opened

    def count(self, outcome: str) -> int:
        return sum(t.outcome == outcome for t in self.tests.values())

    def to_json(self) -> dict:
        data = {k: v for k, v in vars(self).items() if k != "output"}
        data["tests"] = {k: vars(v) for k, v in self.tests.items()}
        return data

    @classmethod
    def from_json(cls, data: dict, output: str = "") -> Run:
        tests = {k: TestResult(**v) for k, v in data.pop("tests").items()}
        return cls(tests=tests, output=output, **data)


def _collector():
    """A pytest plugin that records each test's outcome, whether it is still to do, and the ids
    collected. Made once pytest is imported: its hooks need pytest's markers."""
    import pytest

    class Collector:
        def __init__(self) -> None:
            self.run = Run(exit_code=-1)
            self.todo: set[str] = set()

        def pytest_collection_finish(self, session) -> None:
            self.run.collected = [item.nodeid for item in session.items]

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_makereport(self, item, call):
            if call.excinfo is not None and still_to_do(call.excinfo.value):
                self.todo.add(item.nodeid)
            return (yield)

        def pytest_runtest_logreport(self, report) -> None:
            test = self.run.tests.setdefault(report.nodeid, TestResult("passed"))
            test.seconds += report.duration
            if report.failed:
                test.outcome = "failed"
                test.message = test.message or _short(report)
                test.todo = report.nodeid in self.todo and report.when == "call"
            elif report.skipped and test.outcome != "failed":
                test.outcome = "skipped"
                test.message = test.message or _short(report)
                markers = set(ACCELERATOR_MARKERS) & set(report.keywords)
                test.accelerator_skip = bool(markers) and test.message.startswith("needs ")

        def pytest_collectreport(self, report) -> None:
            if report.failed:
                self.run.errors.append(f"{report.nodeid}: {_short(report)}")

    return Collector()


def still_to_do(error: BaseException | None) -> NotImplementedError | None:
    """The NotImplementedError behind a failure, also when a library (torch.compile, Triton)
    wrapped it in an error of its own."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, NotImplementedError):
            return error
        seen.add(id(error))
        error = getattr(error, "inner_exception", None) or error.__cause__ or error.__context__
    return None


def _short(report) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return str(report.longrepr or "")[-2000:]


def _machinery() -> dict[str, object]:
    import importlib

    found = {}
    for module, owner, name in MACHINERY:
        obj = importlib.import_module(module)
        obj = getattr(obj, owner) if owner else obj
        found[f"{module}.{owner + '.' if owner else ''}{name}"] = obj.__dict__.get(name)
    return found


def _load_conftest():
    """The repository's katas/conftest.py, loaded as a plugin (pytest loads no conftest.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kata_conftest", KATAS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _watch_meta_reads(reads: list[str]) -> None:
    """Record every file under a .meta/ folder that is opened from now on (an audit hook
    cannot be removed, so the learner's code cannot switch it off)."""

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if "/.meta/" in path.replace(os.sep, "/") and path not in reads:
                reads.append(path)

    sys.addaudithook(hook)


def _isolated(paths: list[str]) -> list[str]:
    """pytest's arguments for a run with the repository's configuration and nothing else."""
    return [
        *paths,
        *("-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), "--noconftest"),
        *("-p", "no:cacheprovider", "-p", "no:xdist"),
    ]


def _sentinel_outcome(folder: Path) -> str | None:
    """Run, after the kata's tests and in the same process, a test that must fail, quietly.
    A learner's patch of pytest that turns failures into passes turns this one too."""
    import pytest

    sentinel = folder / SENTINEL
    sentinel.write_text(SENTINEL_SOURCE)
    collector = _collector()
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        pytest.main([*_isolated([str(sentinel)]), "-q"], plugins=[collector])
    return next((t.outcome for t in collector.run.tests.values()), None)


def _child(paths: list[str], extra: list[str], impl: str | None, result_file: str) -> int:
    """The body of a run, in the child: never returns into the parent's code."""
    os.chdir(ROOT)
    for name in ENVIRONMENT:
        os.environ.pop(name, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if impl:
        os.environ["KATA_IMPL"] = impl
    import pytest

    sys.path.insert(0, str(KATAS))
    collector = _collector()
    plugins = [collector, _load_conftest()]
    before = _machinery()
    if not impl:
        _watch_meta_reads(collector.run.meta_reads)
    args = [*_isolated([str(ROOT / p) for p in paths]), "-q", "--no-header", *extra]
    run = collector.run
    run.exit_code = int(pytest.main(args, plugins=plugins))
    changed = [name for name, obj in _machinery().items() if before[name] is not obj]
    if changed:
        run.tampering.append(f"pytest's machinery was replaced: {', '.join(changed)}")
    outcome = _sentinel_outcome(Path(result_file).parent)
    if outcome != "failed":
        run.tampering.append(
            f"a test that must fail reported {outcome or 'nothing'}: the test machinery was patched"
        )
    Path(result_file).write_text(json.dumps(run.to_json()))
    return run.exit_code


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


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform == "linux"


@dataclass
class _Job:
    paths: list[str]
    impl: str | None
    extra: list[str]
    folder: Path
    capture: bool
    pid: int = 0
    process: object = None
    code: int | None = None

    @property
    def result_file(self) -> Path:
        return self.folder / "result.json"

    @property
    def log_file(self) -> Path:
        return self.folder / "output.log"


def _start_fork(job: _Job) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        job.pid = pid
        return
    code = 70  # the child: never return into the parent's code
    try:
        os.setpgid(0, 0)
        if job.capture:
            null = os.open(os.devnull, os.O_RDONLY)
            log = os.open(job.log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(null, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
        code = _child(job.paths, job.extra, job.impl, str(job.result_file))
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _start_process(job: _Job) -> None:
    import subprocess

    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import json; "
        "from engine.running import _child; sys.exit(_child(*json.loads(sys.argv[2])))"
    )
    args = json.dumps([job.paths, job.extra, job.impl, str(job.result_file)])
    out = open(job.log_file, "w") if job.capture else None  # noqa: SIM115
    job.process = subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT / "scripts"), args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        start_new_session=True,
    )
    if out:
        out.close()


def _poll(job: _Job) -> int | None:
    if job.process is not None:
        return job.process.poll()
    done, status = os.waitpid(job.pid, os.WNOHANG)
    return os.waitstatus_to_exitcode(status) if done else None


def _kill(job: _Job) -> None:
    import signal

    pid = job.process.pid if job.process is not None else job.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if job.process is not None:
        job.process.wait()
    else:
        os.waitpid(job.pid, 0)


def _result(job: _Job) -> Run:
    output = job.log_file.read_text(errors="replace") if job.log_file.exists() else ""
    if not job.result_file.exists():
        why = "ran out of time" if job.code == 124 else f"ended with exit status {job.code}"
        return Run(job.code, errors=[f"pytest did not finish: it {why}"], output=output)
    return Run.from_json(json.loads(job.result_file.read_text()), output)


def run_many(
    jobs: list[tuple[list[str], str | None]],
    *,
    workers: int = 1,
    extra: list[str] = (),
    capture: bool = True,
    timeout: float = 600,
    fork: bool | None = None,
) -> list[Run]:
    """Run each (paths, impl) job in its own child, `workers` at a time; results in order."""
    start = _start_fork if (can_fork() if fork is None else fork) else _start_process
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        pending = [
            _Job(list(p), impl, list(extra), Path(tmp, str(i)), capture)
            for i, (p, impl) in enumerate(jobs)
        ]
        for job in pending:
            job.folder.mkdir()
        running: list[tuple[_Job, float]] = []
        queue = list(pending)
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop(0)
                start(job)
                running.append((job, time.monotonic() + timeout))
            time.sleep(0.01)
            for job, deadline in list(running):
                code = _poll(job)
                if code is None and time.monotonic() > deadline:
                    _kill(job)
                    code = 124
                if code is not None:
                    job.code = code
                    running.remove((job, deadline))
        return [_result(job) for job in pending]


def run_pytest(
    paths: list[str],
    *,
    impl: str | None = None,
    extra: list[str] = (),
    capture: bool = True,
    timeout: float = 600,
    fork: bool | None = None,
) -> Run:
    """Run pytest on `paths` (relative to the repository's root) in one child."""
    return run_many([(paths, impl)], extra=extra, capture=capture, timeout=timeout, fork=fork)[0]


def collect_ids(katas: list[Kata]) -> dict[str, list[str]]:
    """Each kata's test ids as collected against its reference solution (for the manifest)."""
    runs = run_many(
        [([k.rel], f"{k.name}=solution") for k in katas],
        workers=min(len(katas), os.cpu_count() or 1),
        extra=["--collect-only"],
    )
    ids = {}
    for kata, run in zip(katas, runs, strict=True):
        if run.errors or not run.collected:
            raise RuntimeError(f"{kata.name}: its tests cannot be collected\n{run.output[-3000:]}")
        ids[kata.name] = [nodeid.split("::", 1)[1] for nodeid in run.collected]
    return ids


def accelerator_available() -> bool:
    """Whether torch sees an accelerator, asked in a child so this process never starts one."""
    import subprocess

    probe = "import torch, sys; sys.exit(0 if torch.accelerator.is_available() else 1)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0
