"""Re-run one kata's tests on every save, in a warm process that keeps torch imported.

Keys (when the terminal is interactive): h the next hint, n the next kata once this one passes,
q quit.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time

from engine import hints
from engine.discovery import KATAS, ROOT, Kata, discover
from engine.running import can_fork, run_pytest, uses_torchvision, warm_up
from engine.stubs import stub_is_untouched

KEYS = "keys: h hint · q quit"


@contextlib.contextmanager
def _keys():
    """Single key presses from the terminal, without Enter; nothing when stdin is no terminal."""
    if not sys.stdin.isatty():
        yield lambda: None
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read() -> str | None:
        if select.select([fd], [], [], 0)[0]:
            return os.read(fd, 1).decode(errors="replace").lower()
        return None

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _passes(kata: Kata) -> bool:
    if stub_is_untouched(kata):
        return False
    run = run_pytest([kata.rel])
    return not run.errors and run.count("passed") > 0 and run.count("failed") == 0


def first_unfinished(katas: list[Kata]) -> Kata:
    """The first kata that does not pass: untouched stubs count without running anything."""
    return next((k for k in katas if not _passes(k)), katas[-1])


def _python_file(change, path: str) -> bool:
    return path.endswith(".py") and "__pycache__" not in path


def watch(kata: Kata | None) -> int:
    import watchfiles

    katas = discover()
    warm_up(vision=any(uses_torchvision(k) for k in ([kata] if kata else katas)))
    kata = kata or first_unfinished(katas)
    warm = can_fork()
    stamp = ROOT / ".venv" / ".katas-setup"
    stamp_mtime = stamp.stat().st_mtime if stamp.exists() else None
    changed: set[str] = set()
    with _keys() as key:
        while True:
            watched = [kata.path, KATAS / "conftest.py", KATAS / "kata_helpers.py"]
            cold = not warm or any("/scripts/" in c for c in changed)
            cold = cold or (stamp.exists() and stamp.stat().st_mtime != stamp_mtime)
            print("\033[2J\033[H", end="")  # clear the screen
            started = time.perf_counter()
            result = run_pytest([kata.rel], capture=False, fork=not cold)
            took = time.perf_counter() - started
            passed = result.count("passed")
            todo = sum(t.todo for t in result.tests.values())
            wrong = result.count("failed") - todo + len(result.errors)
            done = passed and not wrong and not todo and not result.tampering
            how = "cold run: restart watch.sh to be warm again" if cold else "warm"
            following = next((k for k in katas if k.number > kata.number), None)
            if done:
                print(f"\n✓ {kata.name} passes: all {passed} tests, in {took:.2f} s ({how}).")
                if following:
                    print(f"Press n for the next kata, {following.name}; q quits.")
            else:
                print(
                    f"\n{kata.name}: {passed} passing, {wrong} wrong, {todo} to do, "
                    f"in {took:.2f} s ({how})"
                )
            print(f"Watching for saves ({KEYS}{' · n next kata' if done else ''}).")
            changed = set()
            for changes in watchfiles.watch(
                *watched, ROOT / "scripts", watch_filter=_python_file,
                rust_timeout=200, yield_on_timeout=True,
            ):  # fmt: skip
                pressed = key()
                if pressed == "q":
                    return 0
                if pressed == "h":
                    try:
                        print("\n" + hints.show(kata) + "\n")
                    except hints.NoHint as error:
                        print(f"\n{error}\n")
                if pressed == "n" and done and following:
                    kata = following
                    break
                if changes:
                    changed = {path for _, path in changes}
                    break
