"""The manifest: a hash of every file that decides a grade, and each kata's expected tests.

A grade is only as trustworthy as the files that compute it: the tests and their shared helpers,
the engine and the scripts that start it, the pytest configuration, and the workflows that grade
a push. `katas/manifest.json` records them; grading shows any difference, and a kata passes only
when every test listed for it ran.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from engine.discovery import KATAS, ROOT, Kata, discover

MANIFEST = KATAS / "manifest.json"
VERSION = 1


def shared_test_files() -> list[Path]:
    """conftest.py and the helpers every kata's tests may import."""
    return [KATAS / "conftest.py", *sorted(KATAS.glob("kata_*.py"))]


def grader_files() -> list[Path]:
    engine = sorted((ROOT / "scripts" / "engine").glob("*.py"))
    scripts = sorted((ROOT / "scripts").glob("*.sh"))
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    tests = [k.test for k in discover()]
    return [*shared_test_files(), *tests, *engine, *scripts, ROOT / "pyproject.toml", *workflows]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def render(expected_tests: dict[str, list[str]]) -> str:
    data = {
        "version": VERSION,
        "files": {_rel(p): _sha256(p) for p in grader_files() if p.is_file()},
        "expected_tests": {name: sorted(ids) for name, ids in sorted(expected_tests.items())},
    }
    return json.dumps(data, indent=1) + "\n"


def load() -> dict:
    try:
        data = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return {"version": VERSION, "files": {}, "expected_tests": {}}
    data.setdefault("files", {})
    data.setdefault("expected_tests", {})
    return data


def modified_files(recorded: dict | None = None) -> list[str]:
    """Repository-relative paths of grader files that differ from the manifest, are missing
    from it, or that it lists and are gone."""
    files = (recorded or load())["files"]
    present = {_rel(p): p for p in grader_files() if p.is_file()}
    changed = [rel for rel, path in present.items() if files.get(rel) != _sha256(path)]
    gone = [rel for rel in files if rel not in present]
    return sorted(changed + gone)


def expected_tests(kata: Kata, recorded: dict | None = None) -> list[str]:
    return (recorded or load())["expected_tests"].get(kata.name, [])
