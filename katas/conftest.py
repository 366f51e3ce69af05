"""Shared pytest setup for every kata: accelerator markers, the device fixture, seeds, thread
limits, and failure reports that speak to the learner. Keep torchvision out of here: importing
it costs seconds on every run."""

import os
import random
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import engine

# The check swaps in a solution, stub or mistake (KATA_IMPL) before any test imports the kata.
engine.install_impl_from_env()

# pytest-xdist workers share the cores: each gets its share of torch's threads.
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
torch.set_num_threads(max(1, (os.cpu_count() or 1) // _workers))

ACCELERATOR_MARKERS = ("gpu", "cuda", "rocm", "mps", "xpu")


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
                f"(torch {torch.__version__}; check the driver and that the container sees the GPU)",
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


def _kata_of(path: Path) -> tuple[str, str]:
    folder = path.parent.name
    return folder, folder[3:]


def _learner_message(item, excinfo) -> str | None:
    folder, slug = _kata_of(Path(item.path))
    where = f"katas/{folder}/{slug}.py"
    if excinfo.errisinstance(NotImplementedError):
        frames = [e for e in excinfo.traceback if Path(str(e.path)).name != Path(item.path).name]
        function = frames[-1].name if frames else "?"
        hint = str(excinfo.value) or "see the README's tasks"
        return (
            f"Implement `{function}` in {where}: it still raises NotImplementedError.\n"
            f"  {hint}\n  (test: {item.name}; the task is in katas/{folder}/README.md)"
        )
    if excinfo.errisinstance(AttributeError) and f"module '{slug}'" in str(excinfo.value):
        name = str(excinfo.value).rsplit("'", 2)[-2]
        return (
            f"`{name}` is missing from {where}: define it as the README describes "
            f"(scripts/reset.sh {folder[:2]} restores the stub, saving your file first)."
        )
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.excinfo is not None:
        message = _learner_message(item, call.excinfo)
        if message:
            report.longrepr = message
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    text = str(report.longrepr or "")
    if report.failed and "cannot import name" in text:
        folder, slug = _kata_of(Path(collector.path))
        names = sorted(set(_names_after("cannot import name '", text)))
        report.longrepr = (
            f"{', '.join(f'`{n}`' for n in names)} missing from katas/{folder}/{slug}.py: "
            f"define {'it' if len(names) == 1 else 'them'} as the README describes "
            f"(scripts/reset.sh {folder[:2]} restores the stub, saving your file first)."
        )
    return report


def _names_after(prefix: str, text: str):
    for part in text.split(prefix)[1:]:
        yield part.split("'", 1)[0]
