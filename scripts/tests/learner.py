"""A learner's throwaway copy of the repository, holding kata 01 only, and what a learner does in
it: run a script, solve the kata, make a mistake."""

import os
import shutil
import subprocess
from pathlib import Path

from engine import manifest
from engine.discovery import ROOT

KATA = "01_tensor_creation"
STUB = f"katas/{KATA}/tensor_creation.py"


def make_repo(tmp_path) -> Path:
    copy = tmp_path / "repo"
    skip = shutil.ignore_patterns(".venv", ".tools", ".git", ".kata-backups", "__pycache__")
    for name in ["scripts", "docs", ".meta"]:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, copy / name, ignore=skip)
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, copy / name)
    (copy / "katas").mkdir()
    for path in manifest.shared_test_files():
        shutil.copy(path, copy / "katas" / path.name)
    shutil.copytree(ROOT / "katas" / KATA, copy / "katas" / KATA, ignore=skip)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    sh(copy, ".venv/bin/python", "scripts/engine", "manifest")
    return copy


def sh(repo: Path, *args, stdin=subprocess.DEVNULL, env=None) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in ("KATA_IMPL", "GITHUB_ACTIONS")}
    environment = {**inherited, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        args, cwd=repo, capture_output=True, text=True, stdin=stdin, env=environment, timeout=300
    )


def solve(repo: Path, text: str | None = None) -> None:
    source = text if text is not None else (repo / f"katas/{KATA}/.meta/solution.py").read_text()
    (repo / STUB).write_text(source)


def mistake(repo: Path, name: str) -> str:
    """A mistake as a learner would write it: the solution with the mistake's function swapped."""
    solution = (repo / f"katas/{KATA}/.meta/solution.py").read_text()
    wrong = (repo / f"katas/{KATA}/.meta/mistakes/{name}.py").read_text()
    return solution + "\n\n" + wrong.split("from solution import *", 1)[1]


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".venv" not in p.parts and "__pycache__" not in p.parts
    }
