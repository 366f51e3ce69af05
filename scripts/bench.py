"""Benchmarks, each reported next to the floor (`python -c "import torch"` in the same run).

Measures: setup on a fresh clone (empty uv cache unless --warm-cache), one kata's tests run cold,
scripts/watch.sh from a save to its result, the whole scripts/check.sh, and the slowest katas
(the reference solution's tests in a warm fork). Run through scripts/bench.sh.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.discovery import ROOT, Kata, discover
from engine.running import run_pytest, warm_up

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def timed(args, cwd=ROOT, env=None) -> float:
    started = time.perf_counter()
    subprocess.run(
        args, cwd=cwd, env={**os.environ, **(env or {})}, check=True, capture_output=True
    )
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def floor() -> float:
    return median([timed([PYTHON, "-c", "import torch"]) for _ in range(3)])


def setup_fresh(warm_cache: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        clone = Path(tmp, "clone")
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {} if warm_cache else {"UV_CACHE_DIR": str(Path(tmp, "uv-cache"))}
        return timed(["scripts/setup.sh", "--vendor", "cpu"], cwd=clone, env=env)


def one_kata_cold(kata: Kata) -> float:
    env = {"KATA_IMPL": f"{kata.name}=solution"}
    return median(
        [
            timed([PYTHON, "-m", "pytest", kata.rel, "-q", "-p", "no:xdist"], env=env)
            for _ in range(3)
        ]
    )


def watch_latency(kata: Kata) -> float:
    """Seconds from saving a correct solution to watch.sh printing its verdict."""
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        copy = Path(tmp, "repo")
        ignore = shutil.ignore_patterns(".venv", ".tools", ".git", "__pycache__", ".kata-backups")
        shutil.copytree(ROOT, copy, ignore=ignore)
        (copy / ".venv").symlink_to(ROOT / ".venv")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        watcher = subprocess.Popen(
            ["scripts/watch.sh", kata.name], cwd=copy, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_for(watcher, "Watching for saves")
            time.sleep(0.5)
            stub = copy / kata.rel / kata.stub.name
            saved = time.perf_counter()
            stub.write_text(kata.solution.read_text())
            _wait_for(watcher, "passes: all")
            return time.perf_counter() - saved
        finally:
            os.killpg(watcher.pid, 15)
            watcher.wait()


def discovery() -> float:
    """What VS Code's Test Explorer pays on each discovery: collecting every kata's tests."""
    args = [PYTHON, "-m", "pytest", "katas", "--collect-only", "-q", "-p", "no:xdist"]
    return median([timed(args) for _ in range(3)])


def grade_started(count: int) -> float:
    """scripts/grade.sh in a copy of the repository where `count` katas are solved."""
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        copy = Path(tmp, "repo")
        ignore = shutil.ignore_patterns(".venv", ".tools", ".git", "__pycache__", ".kata-backups")
        shutil.copytree(ROOT, copy, ignore=ignore)
        (copy / ".venv").symlink_to(ROOT / ".venv")
        for kata in discover()[:count]:
            (copy / kata.rel / kata.stub.name).write_text(kata.solution.read_text())
        started = time.perf_counter()
        subprocess.run(["scripts/grade.sh"], cwd=copy, capture_output=True, check=False)
        return time.perf_counter() - started


def _wait_for(process, marker: str) -> None:
    for line in process.stdout:
        if marker in line:
            return
    raise RuntimeError(f"watch.sh ended before printing {marker!r}")


def whole_check() -> float:
    return timed(["scripts/check.sh"])


def slowest_katas(n: int) -> list[tuple[float, str]]:
    warm_up(vision=True)
    times = []
    for kata in discover():
        started = time.perf_counter()
        run_pytest([kata.rel], impl=f"{kata.name}=solution")
        times.append((time.perf_counter() - started, kata.name))
    return sorted(times, reverse=True)[:n]


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench.sh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm-cache", action="store_true", help="setup with uv's usual cache")
    parser.add_argument("--skip-setup", action="store_true", help="do not time a fresh setup")
    parser.add_argument("--skip-check", action="store_true", help="do not time the whole check")
    parser.add_argument("--write", metavar="FILE", help="also write the table (Markdown) to FILE")
    args = parser.parse_args()

    first = discover()[0]
    rows = [("floor: python -c 'import torch'", floor())]
    if not args.skip_setup:
        cache = "warm" if args.warm_cache else "empty"
        rows.append(
            (f"scripts/setup.sh on a fresh clone ({cache} uv cache)", setup_fresh(args.warm_cache))
        )
    rows.append((f"one kata cold: pytest {first.rel}", one_kata_cold(first)))
    rows.append((f"scripts/watch.sh {first.name}: save to result", watch_latency(first)))
    rows.append(("Test Explorer discovery: pytest katas --collect-only", discovery()))
    rows.append(("scripts/grade.sh, 4 katas started", grade_started(4)))
    if not args.skip_check:
        rows.append(("scripts/check.sh, whole", whole_check()))
    slow = slowest_katas(5)

    lines = [
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {len(discover())} katas.",
        "",
        "| what | seconds |",
        "| --- | --- |",
        *[f"| {what} | {seconds:.2f} |" for what, seconds in rows],
        "",
        "Slowest katas (reference solution's tests, warm fork, torch already imported):",
        "",
        "| kata | seconds |",
        "| --- | --- |",
        *[f"| {name} | {seconds:.2f} |" for seconds, name in slow],
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        Path(args.write).write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
