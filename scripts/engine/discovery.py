"""Katas, their metadata, and the names a learner may type for one."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KATAS = ROOT / "katas"
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
RESERVED = {"conftest", "kata_helpers", "kata_distributed", "engine", "solution"}
FOLDER = re.compile(r"\d\d_[a-z0-9_]+")


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
    def readme(self) -> Path:
        return self.path / "README.md"

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
    def rel(self) -> str:  # "katas/01_tensor_creation", whatever the working directory
        return self.path.relative_to(ROOT).as_posix()


def discover(root: Path = KATAS) -> list[Kata]:
    return sorted(
        (Kata(p) for p in root.iterdir() if p.is_dir() and FOLDER.fullmatch(p.name)),
        key=lambda k: k.name,
    )


class UnknownKata(LookupError):
    pass


def resolve(name: str, katas: list[Kata]) -> Kata:
    """A kata by number (`7`, `07`), folder (`07_slug`, `katas/07_slug/`) or slug."""
    given = name.strip().rstrip("/")
    if not given:
        raise UnknownKata("an empty kata name (give a number, folder or slug, e.g. 01)")
    key = given.removeprefix("./").removeprefix("katas/")
    number = int(key) if key.isascii() and key.isdigit() else None
    for kata in katas:
        if key in (kata.name, kata.slug) or number == kata.number:
            return kata
    names = [k.name for k in katas] + [k.slug for k in katas]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
    close += [k.name for k in katas if key and key in k.name and k.name not in close]
    hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
    raise UnknownKata(f"no kata named '{given}'{hint} (scripts/grade.sh lists them all)")


def resolve_all(names: list[str], katas: list[Kata] | None = None) -> list[Kata]:
    """Every name resolved before anything is done: one bad name changes nothing."""
    katas = discover() if katas is None else katas
    found, problems = [], []
    for name in names:
        try:
            found.append(resolve(name, katas))
        except UnknownKata as error:
            problems.append(str(error))
    if problems:
        raise UnknownKata("\n".join(problems))
    return found
