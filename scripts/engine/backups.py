"""Writing over a learner's file without ever losing it: reset, undo, restored tests.

Every overwrite saves the file first to .kata-backups/<UTC time>[-n]/<kata>/ and says where.
Files are replaced through a fresh temporary file in the same folder, so a link planted at any
name is neither followed nor clobbered.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from engine import manifest
from engine.discovery import ROOT, Kata, UnknownKata
from engine.stubs import expected_stub, stub_is_untouched

BACKUPS = ROOT / ".kata-backups"


class WriteError(OSError):
    """A file could not be written; the message says which and why, in one line."""


def timestamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def _order(folder: Path) -> tuple[str, int]:
    """Backup folders in time order: `-9` before `-11`, which sorting as text gets wrong."""
    stamp, _, n = folder.name.partition("-")
    return stamp, int(n) if n.isdigit() else 0


def backup(kata: Kata, stamp: str, source: Path | None = None) -> Path:
    """Copy the learner's file (or `source`, a file of the kata) into a new backup folder."""
    source = source or kata.stub
    folder, n = BACKUPS / stamp / kata.name, 0
    while (folder / source.name).exists():  # more than one save within a second
        n += 1
        folder = BACKUPS / f"{stamp}-{n}" / kata.name
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    copy.write_bytes(source.read_bytes())
    return copy


def write(path: Path, text: str) -> None:
    """Replace `path` atomically through a fresh temporary file beside it."""
    if path.is_dir() and not path.is_symlink():
        raise WriteError(f"{path.relative_to(ROOT)} is a folder, not a file: move it away first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise WriteError(f"cannot write in {path.parent}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"cannot write {path.relative_to(ROOT)}: {error.strerror}") from None


def _saved(kata: Kata, stamp: str, path: Path) -> str:
    return f"; your file was saved to {backup(kata, stamp, path).relative_to(ROOT)}"


def reset(kata: Kata, stamp: str) -> str:
    """Restore the kata's stub; the learner's file is saved first. Returns what was done."""
    if stub_is_untouched(kata) and not kata.stub.is_symlink():
        return f"{kata.name}: already the untouched stub, nothing to do"
    saved = _saved(kata, stamp, kata.stub) if kata.stub.is_file() else ""
    write(kata.stub, expected_stub(kata))
    return f"{kata.name}: restored the stub {kata.stub.relative_to(ROOT)}{saved}"


def backups_of(kata: Kata) -> list[Path]:
    """The kata's saved files, oldest first."""
    copies = BACKUPS.glob(f"*/{kata.name}/{kata.stub.name}")
    return sorted(copies, key=lambda p: _order(p.parents[1]))


def check_undo(kata: Kata) -> Path:
    copies = backups_of(kata)
    if not copies:
        raise UnknownKata(f"{kata.name} has no backup in {BACKUPS.relative_to(ROOT)}/")
    return copies[-1]


def undo(kata: Kata, stamp: str) -> str:
    """Bring back the newest backup; the current file is saved first unless it is the stub."""
    newest = check_undo(kata)
    saved = ""
    if kata.stub.is_file() and not stub_is_untouched(kata):
        if kata.stub.read_bytes() == newest.read_bytes():
            return f"{kata.name}: already equal to the newest backup {newest.relative_to(ROOT)}"
        saved = _saved(kata, stamp, kata.stub).replace("your file", "the file it replaced")
    write(kata.stub, newest.read_text())
    return f"{kata.name}: brought back {newest.relative_to(ROOT)}{saved}"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def recorded_test(kata: Kata) -> str:
    """The kata's test file as the manifest records it, found in the repository's history."""
    import hashlib

    rel = kata.test.relative_to(ROOT).as_posix()
    wanted = manifest.load()["files"].get(rel)
    if not wanted:
        raise UnknownKata(f"{rel} is not in {manifest.MANIFEST.relative_to(ROOT)}")
    commits = _git("log", "--format=%H", "-n", "200", "--", rel)
    if commits is None:
        raise UnknownKata(f"cannot read the git history to restore {rel} (is this a git clone?)")
    for commit in ["HEAD", *commits.split()]:
        text = _git("show", f"{commit}:{rel}")
        if text is not None and hashlib.sha256(text.encode()).hexdigest() == wanted:
            return text
    raise UnknownKata(f"no commit holds the recorded version of {rel}")


def reset_tests(kata: Kata, stamp: str) -> str:
    """Restore only this kata's test file to its recorded version, saving the edited one."""
    text = recorded_test(kata)
    if kata.test.is_file() and kata.test.read_text() == text:
        return f"{kata.name}: the tests are already as recorded, nothing to do"
    saved = _saved(kata, stamp, kata.test) if kata.test.is_file() else ""
    write(kata.test, text)
    return f"{kata.name}: restored {kata.test.relative_to(ROOT)}{saved}"
