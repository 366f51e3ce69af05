"""What the tests import under a kata's slug when the check swaps the learner's file out: the
reference solution, the generated stub, or one of the kata's mistakes (KATA_IMPL)."""

from __future__ import annotations

import importlib.util
import os
import sys
import types

from engine.discovery import Kata, discover, resolve
from engine.stubs import expected_stub


def _module_from_source(name: str, source: str, filename) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(filename)
    sys.modules[name] = module
    exec(compile(source, str(filename), "exec"), module.__dict__)
    return module


def install_impl(kata: Kata, impl: str) -> None:
    """Put `impl` in sys.modules under the kata's slug before its tests import it.

    impl is "solution", "stub" (generated from the solution, whatever the learner's file
    says) or "mistake:<name>" (a file of .meta/mistakes/, which may `from solution import *`).
    """
    if impl == "solution":
        _module_from_source(kata.slug, kata.solution.read_text(), kata.solution)
    elif impl == "stub":
        _module_from_source(kata.slug, expected_stub(kata), kata.stub)
    elif impl.startswith("mistake:"):
        path = kata.path / ".meta" / "mistakes" / f"{impl.removeprefix('mistake:')}.py"
        _module_from_source("solution", kata.solution.read_text(), kata.solution)
        _module_from_source(kata.slug, path.read_text(), path)
    else:
        raise ValueError(f"unknown implementation {impl!r}")


class _SolutionFinder:
    """Finds every kata's slug as its reference solution (KATA_IMPL=*=solution)."""

    def __init__(self) -> None:
        self.solutions = {k.slug: k.solution for k in discover()}

    def find_spec(self, name, path=None, target=None):
        if name in self.solutions:
            return importlib.util.spec_from_file_location(name, self.solutions[name])
        return None


def install_impl_from_env() -> None:
    """Called by katas/conftest.py: KATA_IMPL=<kata>=<impl> swaps that kata's module;
    KATA_IMPL=*=solution swaps every kata's (the GPU suite runs the solutions that way)."""
    spec = os.environ.get("KATA_IMPL")
    if not spec:
        return
    name, _, impl = spec.partition("=")
    if name == "*":
        if impl != "solution":
            raise ValueError("KATA_IMPL=*= takes only 'solution'")
        sys.meta_path.insert(0, _SolutionFinder())
    else:
        install_impl(resolve(name, discover()), impl)
