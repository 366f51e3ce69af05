"""Every kata proven both ways: the solution passes, the untouched stub fails every test that
runs, every mistake fails at least one test; plus the rules of the anatomy. Set KATAS_ONLY
(e.g. "5,06_shapes_and_views") to check some katas only."""

import importlib.util
import os
import re
import sys
import tomllib

import pytest

from engine import discovery, hints, running
from engine.stubs import expected_stub

KATAS = discovery.discover()
PARTIAL = bool(os.environ.get("KATAS_ONLY"))
if PARTIAL:
    KATAS = [discovery.resolve(n, KATAS) for n in os.environ["KATAS_ONLY"].split(",")]
MISTAKES = [(k, m.stem) for k in KATAS for m in k.mistakes]
by_name = pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.name)

running.warm_up(vision=any(running.uses_torchvision(k) for k in KATAS))


def run(kata, impl):
    return running.run_pytest([kata.rel], impl=f"{kata.name}={impl}")


def _report(result) -> str:
    lines = [f"{nodeid.split('::')[-1]}: {t.outcome}" for nodeid, t in result.tests.items()]
    return "\n".join(lines + result.errors) + "\n--- output ---\n" + result.output[-6000:]


@by_name
def test_solution_passes_every_test(kata):
    result = run(kata, "solution")
    failed = [n for n, t in result.tests.items() if t.outcome == "failed"]
    assert not result.errors, (
        f"{kata.name}: tests cannot be collected with the solution\n{_report(result)}"
    )
    assert result.count("passed") > 0, f"{kata.name}: no test passed\n{_report(result)}"
    assert not failed, f"{kata.name}: the reference solution fails {failed}\n{_report(result)}"


@by_name
def test_stub_fails_every_test_that_runs(kata):
    result = run(kata, "stub")
    assert not result.errors, (
        f"{kata.name}: tests cannot even be collected against the stub; a learner would see one "
        f"error instead of a list of tasks\n{_report(result)}"
    )
    passing = [n for n, t in result.tests.items() if t.outcome == "passed"]
    assert result.count("failed") > 0, (
        f"{kata.name}: no test ran against the stub\n{_report(result)}"
    )
    assert not passing, f"{kata.name}: these tests pass on the untouched stub: {passing}"


@pytest.mark.parametrize(("kata", "mistake"), MISTAKES, ids=[f"{k.name}-{m}" for k, m in MISTAKES])
def test_every_mistake_fails_some_test(kata, mistake):
    result = run(kata, f"mistake:{mistake}")
    assert result.count("failed") > 0, (
        f"{kata.name}: the mistake .meta/mistakes/{mistake}.py passes every test; the tests must "
        f"reject it\n{_report(result)}"
    )


@by_name
def test_committed_stub_equals_the_generated_one(kata):
    assert kata.stub.is_file(), f"{kata.stub} is missing: run python3 scripts/engine stubs"
    assert kata.stub.read_text() == expected_stub(kata), (
        f"{kata.stub.relative_to(discovery.ROOT)} differs from the stub generated from "
        f".meta/solution.py: run python3 scripts/engine stubs"
    )


@by_name
def test_anatomy_is_complete(kata):
    for path in [kata.path / "README.md", kata.stub, kata.test, kata.solution]:
        assert path.is_file(), f"{path.relative_to(discovery.ROOT)} is missing"
    assert len(kata.mistakes) >= 2, f"{kata.name}: needs at least two .meta/mistakes/*.py"
    assert "# BEGIN SOLUTION" in kata.solution.read_text(), f"{kata.name}: no region to fill in"
    assert "## Hints" in kata.readme.read_text(), f"{kata.name}: README has no hints"


@by_name
def test_every_task_has_a_ladder_of_hints(kata):
    problems = hints.parse(kata.readme.read_text())[1]
    assert not problems, f"{kata.name}'s README.md:\n  " + "\n  ".join(problems)


@by_name
def test_metadata_is_complete(kata):
    meta = tomllib.loads((kata.path / ".meta" / "kata.toml").read_text())
    assert isinstance(meta.get("title"), str) and meta["title"]
    assert meta.get("level") in discovery.LEVELS
    assert isinstance(meta.get("topics"), list) and meta["topics"]
    assert isinstance(meta.get("minutes"), int) and meta["minutes"] > 0
    assert meta.get("accelerator") in ("none", "optional", "required")
    known = {k.slug for k in discovery.discover()}
    for prerequisite in meta.get("prerequisites", []):
        assert PARTIAL or prerequisite in known, (
            f"{kata.name}: unknown prerequisite {prerequisite!r}"
        )
    marked = re.search(r"pytest\.mark\.(gpu|cuda|rocm|mps|xpu)\b", kata.test.read_text())
    assert bool(marked) == (meta["accelerator"] != "none"), (
        f"{kata.name}: accelerator = {meta['accelerator']!r} but the tests "
        f"{'do' if marked else 'do not'} carry an accelerator marker"
    )


def test_numbers_and_slugs_are_unique():
    katas = discovery.discover()
    numbers = [k.number for k in katas]
    slugs = [k.slug for k in katas]
    assert len(set(numbers)) == len(numbers), f"two katas share a number: {numbers}"
    assert len(set(slugs)) == len(slugs), f"two katas share a slug: {slugs}"
    assert PARTIAL or numbers == list(range(1, len(numbers) + 1)), (
        f"numbers must run 1, 2, ... without gaps: {numbers}"
    )


@by_name
def test_slug_shadows_no_other_module(kata):
    slug = kata.slug
    assert slug not in sys.stdlib_module_names, f"{slug} shadows the standard library's module"
    assert slug not in discovery.RESERVED, f"{slug} is a name the test machinery uses"
    sys.path_importer_cache.clear()
    saved = sys.path[:]
    try:
        sys.path[:] = [p for p in sys.path if "katas" not in p]
        found = importlib.util.find_spec(slug)
    finally:
        sys.path[:] = saved
    assert found is None, f"{slug} shadows an installed module at {found and found.origin}"
