"""Shared pytest setup for every kata: accelerator markers, the device fixture, seeds, thread
limits, a learner's file that always imports, and failure reports that speak to the learner.
Keep torchvision out of here: importing it costs seconds on every run."""

import importlib.machinery
import importlib.util
import random
import sys
from pathlib import Path

import pytest
import torch

KATAS = Path(__file__).resolve().parent
sys.path.insert(0, str(KATAS.parent / "scripts"))
from engine.discovery import discover  # noqa: E402
from engine.impls import install_impl_from_env  # noqa: E402
from engine.running import still_to_do  # noqa: E402

# One torch thread per test process: the tests are small, and on a busy machine (xdist workers,
# the engine's parallel children, anything else) a second spinning thread made training katas
# ten to fifty times slower.
torch.set_num_threads(1)

ACCELERATOR_MARKERS = ("gpu", "cuda", "rocm", "mps", "xpu")
KATA_FILES = {k.slug: k for k in discover(KATAS)}


# --- the learner's file: it always imports, so every test gets its own message ----------------


class LearnerFileError(Exception):
    """The learner's file cannot be imported, or lacks a name the tests need."""


class _Unavailable:
    """Stands in for a name the tests import from a learner's file that failed to import or
    lacks it: using it raises LearnerFileError with the message, so each test reports it."""

    def __init__(self, message: str) -> None:
        self._message = message

    def __call__(self, *args, **kwargs):
        raise LearnerFileError(self._message)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise LearnerFileError(self._message)


def _import_failure(kata, error: BaseException) -> str:
    where = f"katas/{kata.name}/{kata.stub.name}"
    if isinstance(error, SyntaxError):
        line, what, code = error.lineno, error.msg, (error.text or "").strip()
    else:
        frames = [f for f in _frames(error.__traceback__) if f[0] == str(kata.stub)]
        line, what, code = frames[-1][1] if frames else None, f"{type(error).__name__}: {error}", ""
    at = f", line {line}" if line else ""
    shown = f"\n    {code}" if code else ""
    return (
        f"{where} cannot be imported{at}: {what}{shown}\n"
        f"  Every test of this kata fails until the file imports: fix it and save."
    )


def _frames(tb):
    while tb is not None:
        yield tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next


def _missing(kata, name: str) -> str:
    return (
        f"`{name}` is missing from katas/{kata.name}/{kata.stub.name}: define it as the README "
        f"describes (scripts/reset.sh --help says how to start again without losing your file)."
    )


class _LearnerLoader(importlib.machinery.SourceFileLoader):
    def exec_module(self, module) -> None:
        kata = KATA_FILES[self.name]
        try:
            super().exec_module(module)
        except Exception as error:  # a syntax error, a failing import, any crash at import
            message = _import_failure(kata, error)
            module.__getattr__ = lambda name: _dunder_or(name, message)
            return
        if "__getattr__" not in vars(module):
            module.__getattr__ = lambda name: _dunder_or(name, _missing(kata, name))


def _dunder_or(name: str, message: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Unavailable(message)


class _LearnerFinder:
    """Imports a kata's slug from its folder through _LearnerLoader."""

    def find_spec(self, name, path=None, target=None):
        kata = KATA_FILES.get(name)
        if kata is None or not kata.stub.is_file():
            return None
        loader = _LearnerLoader(name, str(kata.stub))
        return importlib.util.spec_from_file_location(name, kata.stub, loader=loader)


sys.meta_path.insert(0, _LearnerFinder())
# The check swaps in a solution, stub or mistake (KATA_IMPL) before any test imports the kata.
install_impl_from_env()


# --- accelerators ------------------------------------------------------------------------------


def accelerator() -> torch.device | None:
    """The accelerator torch can use here, or None on a CPU-only machine."""
    if torch.accelerator.is_available():
        return torch.device(torch.accelerator.current_accelerator().type)
    return None


def has(marker: str) -> bool:
    cuda_like = torch.cuda.is_available()
    return {
        "gpu": accelerator() is not None,
        "cuda": cuda_like and torch.version.hip is None,
        "rocm": cuda_like and torch.version.hip is not None,
        "mps": torch.backends.mps.is_available(),
        "xpu": hasattr(torch, "xpu") and torch.xpu.is_available(),
    }[marker]


def pytest_addoption(parser):
    parser.addoption(
        "--require-gpu",
        action="store_true",
        help="fail, instead of skip, tests that need an accelerator when torch sees none "
        "(for GPU runners: a runner without a working GPU can never pass by skipping)",
    )


def pytest_runtest_setup(item):
    for marker in ACCELERATOR_MARKERS:
        if item.get_closest_marker(marker) is None or has(marker):
            continue
        if item.config.getoption("--require-gpu") and (marker == "gpu" or accelerator() is None):
            pytest.fail(
                f"--require-gpu: this test needs {marker}, but torch sees no accelerator "
                f"(torch {torch.__version__}; scripts/doctor.sh says what is missing)",
                pytrace=False,
            )
        pytest.skip(f"needs {marker}, which this machine does not have")


@pytest.fixture
def device(request) -> torch.device:
    """The accelerator when there is one, else the CPU."""
    return accelerator() or torch.device("cpu")


@pytest.fixture(autouse=True)
def _fixed_seeds():
    torch.manual_seed(0)
    random.seed(0)


# --- failure reports in the learner's terms ------------------------------------------------------


def _entries_in(excinfo, path: Path):
    return [e for e in excinfo.traceback if Path(str(e.path)) == path]


def _describe(value) -> str:
    from kata_helpers import describe

    return describe(value)


def _crash(kata, excinfo) -> str | None:
    """Which call into the learner's file raised, with its arguments, and where."""
    entries = _entries_in(excinfo, kata.stub)
    if not entries:
        return None
    first, last = entries[0], entries[-1]
    code = first.frame.code.raw
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    values = first.frame.f_locals
    args = ", ".join(f"{n}={_describe(values[n])}" for n in names if n in values and n != "self")
    source = str(last.statement).strip() if last.statement else ""
    what = "\n".join(str(excinfo.value).splitlines()[:6])
    return (
        f"`{first.name}({args})` raised {excinfo.typename}: {what}\n"
        f"  at katas/{kata.name}/{kata.stub.name}, line {last.lineno + 1}: {source}"
    )


def _assertion(item, excinfo) -> str | None:
    """The test's or the helper's own message, without pytest's introspection after it."""
    text = str(excinfo.value)
    if not text or text.startswith("assert "):
        return None  # no message of ours: pytest's introspection is the message
    lines = text.splitlines()
    cut = next((i for i, line in enumerate(lines) if line.startswith("assert ")), len(lines))
    test_lines = _entries_in(excinfo, Path(item.path))
    at = f"{Path(item.path).name}:{test_lines[-1].lineno + 1}" if test_lines else item.name
    return "\n".join(lines[:cut]) + f"\n  (test: {item.name}, {at})"


def _frames_of(error: BaseException):
    tb = error.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _learner_message(item, excinfo) -> str | None:
    kata = KATA_FILES.get(Path(item.path).parent.name[3:])
    if kata is None:
        return None
    if excinfo.errisinstance(LearnerFileError):
        return f"{excinfo.value}\n  (test: {item.name})"
    todo = still_to_do(excinfo.value)
    if todo is not None:
        frames = [f for f in _frames_of(todo) if f.f_code.co_filename == str(kata.stub)]
        function = frames[-1].f_code.co_name if frames else "?"
        hint = str(todo) or "see the README's tasks"
        return (
            f"To do: implement `{function}` in katas/{kata.name}/{kata.stub.name}.\n"
            f"  {hint}\n  (test: {item.name}; scripts/hint.sh {kata.number:02d} gives a hint)"
        )
    if excinfo.errisinstance(AssertionError):
        return _assertion(item, excinfo)
    return _crash(kata, excinfo)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.excinfo is not None:
        message = _learner_message(item, call.excinfo)
        if message:
            report.longrepr = message
    return report
