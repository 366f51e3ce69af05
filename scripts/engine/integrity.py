"""Shortcuts a grade must not trust, found without running anything.

Grading runs with the repository's own configuration only (see running), so what a learner adds
is ignored; this module finds it so that the board can say so: configuration files pytest would
read, environment variables that change a run, and a learner's file that reaches into the test
machinery or the reference solutions, or is the reference solution.
"""

from __future__ import annotations

import ast
import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from engine.discovery import KATAS, ROOT, Kata

ALLOWED_CONFTESTS = {KATAS / "conftest.py", ROOT / "scripts" / "tests" / "conftest.py"}
SKIPPED_FOLDERS = {".git", ".venv", ".tools", ".kata-backups", "node_modules", "__pycache__"}
ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "KATA_IMPL")
INI_FILES = ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg")
IMPORTERS = {"__import__", "import_module"}
MACHINERY = {"pytest", "_pytest", "pluggy", "conftest", "engine", "kata_helpers", "solution"}


@dataclass(frozen=True)
class Flag:
    """Something found that a grade must show. `suspect` flags keep a kata from passing;
    the others are notes beside its state."""

    code: str
    detail: str
    suspect: bool = True

    def to_json(self) -> dict:
        return {"code": self.code, "detail": self.detail, "suspect": self.suspect}


def _walk(top: Path):
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIPPED_FOLDERS]
        yield Path(folder), files


def _pytest_section(path: Path) -> bool:
    if path.name in ("pytest.ini", ".pytest.ini"):
        return True
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path)
    except configparser.Error:
        return True  # pytest might still read it: flag rather than guess
    return parser.has_section("pytest" if path.name == "tox.ini" else "tool:pytest")


def added_configuration() -> list[Path]:
    """conftest.py files besides the repository's, and ini files with a pytest section."""
    found = []
    for folder, files in _walk(ROOT):
        for name in files:
            path = folder / name
            extra_conftest = name == "conftest.py" and path not in ALLOWED_CONFTESTS
            if extra_conftest or (name in INI_FILES and _pytest_section(path)):
                found.append(path)
    return sorted(found)


def configuration_flags() -> list[Flag]:
    """Flags for the whole run: configuration grading ignores, and variables it clears."""
    flags = [
        Flag("config-ignored", f"{p.relative_to(ROOT).as_posix()} is ignored by grading")
        for p in added_configuration()
    ]
    for name in ENVIRONMENT:
        if os.environ.get(name):
            flags.append(Flag("environment-ignored", f"${name} is set; grading ignores it", False))
    return flags


def _imported_names(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call) and node.args and _callee(node) in IMPORTERS:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_machinery(module: str, kata: Kata) -> bool:
    root = module.split(".")[0]
    return root in MACHINERY or root.startswith("test_") or root == kata.test.stem


def learner_flags(kata: Kata) -> list[Flag]:
    """What the learner's file does that no solution needs."""
    try:
        source = kata.stub.read_text()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return []  # the run reports an unreadable file; there is nothing to inspect
    flags = []
    machinery = sorted({m for m in _imported_names(tree) if _is_machinery(m, kata)})
    if machinery:
        flags.append(Flag("imports-machinery", f"your file imports {', '.join(machinery)}"))
    strings = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    if any(".meta" in s for s in strings):
        flags.append(Flag("reads-meta", "your file refers to the .meta/ folder"))
    for path in added_configuration():
        if kata.path in path.parents:
            flags.append(Flag("config-ignored", f"{path.name} in the kata's folder is ignored"))
    try:
        reference = ast.dump(ast.parse(kata.solution.read_text()))
    except (OSError, SyntaxError):
        reference = None
    if ast.dump(tree) == reference:
        flags.append(Flag("reference-solution", "identical to the reference solution", False))
    return flags
