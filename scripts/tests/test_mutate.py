"""The mutation check (scripts/mutate.py) on one small kata with a handful of mutants: a mutant
the tests notice is reported killed, one they cannot notice is reported as a survivor."""

import json
import subprocess
import sys
from pathlib import Path

import mutate

from engine import discovery

ROOT = Path(__file__).resolve().parents[2]
KATA = discovery.resolve("15", discovery.discover())
KILLED = "global_grad_norm: `0.0` 0.0 -> 1.0"  # the norm of no gradient must be 0
SURVIVOR = "clip_by_global_norm_: `p.grad.detach()` drop .detach()"  # listed as equivalent


def test_mutants_stay_in_the_solution_regions_and_have_unique_ids():
    mutants = mutate.generate(KATA)
    regions = mutate.solution_lines(KATA.solution.read_text())
    assert mutants, "no mutant generated for kata 15"
    assert all(m.line in regions for m in mutants)
    ids = [m.id for m in mutants]
    assert len(ids) == len(set(ids)), "two mutants share an id"
    assert {KILLED, SURVIVOR} <= set(ids)
    for m in mutants[:5]:
        compile(m.source, "mutant", "exec")  # every mutant is valid Python


def test_a_killed_mutant_is_not_reported_and_a_survivor_is(tmp_path):
    report_file = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "mutate.py"),
            *("--kata", "15", "--workers", "2", "--json", str(report_file)),
            *("--only", KILLED, "--only", SURVIVOR),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = json.loads(report_file.read_text())
    assert report["statuses"] == {KILLED: "killed", SURVIVOR: "equivalent"}, report
    survivors = [s["id"] for s in report["survivors"]]
    assert survivors == [SURVIVOR] and report["survivors"][0]["known"], report
    assert report["new_survivors"] == [] and report["score"] == 1.0, report
    assert "15_gradient_hooks: 100.0% of 1 mutants killed (1 known equivalent" in result.stdout


def test_a_survivor_not_listed_as_equivalent_is_new(tmp_path, monkeypatch):
    monkeypatch.setattr(mutate, "equivalents", lambda kata: {})
    mutants = [m for m in mutate.generate(KATA) if m.id == SURVIVOR]
    monkeypatch.setattr(mutate, "generate", lambda kata: mutants)
    monkeypatch.setattr(mutate, "baseline_seconds", lambda kata: 1.0)
    report = mutate.mutate_kata(KATA, None, 1)
    assert report.new_survivors == [SURVIVOR] and report.score == 0.0, report
