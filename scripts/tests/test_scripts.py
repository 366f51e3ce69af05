"""The learner's scripts run as a learner would, in a throwaway copy of the repository that holds
kata 01 only: reset never loses work, grade reports the four statuses with the right exit code,
solution waits for a pass, watch re-runs on save, and every bad name exits 2 changing nothing."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from learner import KATA, ROOT, STUB, mistake, sh, snapshot, solve

from engine.discovery import Kata, discover, resolve
from engine.running import accelerator_available, run_pytest
from engine.stubs import expected_stub

# --- reset ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["1", "01", KATA, "tensor_creation", f"katas/{KATA}/"])
def test_reset_restores_the_stub_and_saves_the_edit(repo, name):
    edit = "# my work in progress\nimport torch\n"
    (repo / STUB).write_text(edit)
    result = sh(repo, "scripts/reset.sh", name)
    assert result.returncode == 0, result.stderr
    assert (repo / STUB).read_text() == expected_stub(Kata(ROOT / "katas" / KATA))
    backups = list((repo / ".kata-backups").rglob("tensor_creation.py"))
    assert len(backups) == 1 and backups[0].read_text() == edit
    assert str(backups[0].relative_to(repo)) in result.stdout, "reset must say where it saved"


def test_reset_of_an_untouched_kata_changes_nothing(repo):
    before = snapshot(repo)
    result = sh(repo, "scripts/reset.sh", "01")
    assert result.returncode == 0
    assert "nothing to do" in result.stdout
    assert snapshot(repo) == before


def test_every_edit_survives_repeated_resets_and_undo_brings_back_the_newest(repo):
    edits = [f"# attempt {i}\n" for i in range(3)]
    for edit in edits:
        (repo / STUB).write_text(edit)
        assert sh(repo, "scripts/reset.sh", "01").returncode == 0
    saved = sorted(p.read_text() for p in (repo / ".kata-backups").rglob("tensor_creation.py"))
    assert saved == sorted(edits)
    result = sh(repo, "scripts/reset.sh", "--undo", "01")
    assert result.returncode == 0, result.stderr
    assert (repo / STUB).read_text() == edits[-1]


def test_undo_saves_the_file_it_replaces(repo):
    (repo / STUB).write_text("# first\n")
    sh(repo, "scripts/reset.sh", "01")
    (repo / STUB).write_text("# second, never reset\n")
    assert sh(repo, "scripts/reset.sh", "--undo", "01").returncode == 0
    assert (repo / STUB).read_text() == "# first\n"
    saved = [p.read_text() for p in (repo / ".kata-backups").rglob("tensor_creation.py")]
    assert "# second, never reset\n" in saved


def test_undo_without_a_backup_exits_2(repo):
    result = sh(repo, "scripts/reset.sh", "--undo", "01")
    assert result.returncode == 2 and "no backup" in result.stderr


@pytest.mark.parametrize(
    "names",
    [
        ["tensor_creatoin"],
        ["99"],
        ["../../etc/passwd"],
        [f"katas/{KATA}/../../scripts"],
        ["/etc/passwd"],
        ["01", "nope"],  # one bad name among good ones: nothing is reset
    ],
)
def test_unknown_names_and_paths_exit_2_and_change_nothing(repo, names):
    (repo / STUB).write_text("# keep me\n")
    before = snapshot(repo)
    result = sh(repo, "scripts/reset.sh", *names)
    assert result.returncode == 2
    assert "no kata named" in result.stderr
    assert snapshot(repo) == before


def test_a_misspelt_name_gets_the_nearest_valid_names(repo):
    result = sh(repo, "scripts/reset.sh", "tensor_creatoin")
    assert "did you mean" in result.stderr and "tensor_creation" in result.stderr


def test_reset_all_refuses_without_a_terminal_unless_yes(repo):
    (repo / STUB).write_text("# keep me\n")
    before = snapshot(repo)
    result = sh(repo, "scripts/reset.sh", "--all")
    assert result.returncode == 2 and "--yes" in result.stderr
    assert snapshot(repo) == before
    result = sh(repo, "scripts/reset.sh", "--all", "--yes")
    assert result.returncode == 0, result.stderr
    assert (repo / STUB).read_text() != "# keep me\n"
    assert [p.read_text() for p in (repo / ".kata-backups").rglob("*.py")] == ["# keep me\n"]


def test_reset_does_not_write_through_a_symbolic_link(repo, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("# not the learner's kata\n")
    (repo / STUB).unlink()
    (repo / STUB).symlink_to(outside)
    assert sh(repo, "scripts/reset.sh", "01").returncode == 0
    assert outside.read_text() == "# not the learner's kata\n"
    assert not (repo / STUB).is_symlink()


def test_reset_needs_no_venv(repo):
    (repo / ".venv").unlink()
    (repo / STUB).write_text("# edit\n")
    result = sh(repo, "scripts/reset.sh", "01")
    assert result.returncode == 0, result.stderr
    assert not (repo / ".venv").exists(), "reset must not bootstrap the venv"


# --- grade ---------------------------------------------------------------------------------


def grade(repo: Path, *args) -> tuple[subprocess.CompletedProcess, dict]:
    result = sh(repo, "scripts/grade.sh", "--json", "grade.json", "--markdown", "grade.md", *args)
    report = json.loads((repo / "grade.json").read_text())
    schema = json.loads((ROOT / "docs" / "grade.schema.json").read_text())
    jsonschema.validate(report, schema)
    return result, report


def status(report: dict) -> str:
    return report["katas"][0]["status"]


def test_grade_on_a_fresh_clone_shows_todo_and_exits_0(repo):
    result, report = grade(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert status(report) == "todo" and report["next"] == KATA
    assert "todo" in result.stdout and f"katas/{KATA}/README.md" in result.stdout


def test_grade_passes_a_correct_solution(repo):
    solve(repo)
    result, report = grade(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert status(report) == "passed"
    assert report["katas"][0]["tests"]["passed"] > 0 and report["katas"][0]["tests"]["wrong"] == 0
    assert "| 01_tensor_creation | ✅ passed" in (repo / "grade.md").read_text()


def test_grade_fails_a_started_kata_that_fails_and_annotates_it(repo):
    solve(repo, mistake(repo, "linspace_with_arange"))
    result, report = grade(repo)
    assert result.returncode == 1
    assert status(report) == "wrong"
    assert any("evenly_spaced" in f for f in report["katas"][0]["failures"])
    annotated = sh(repo, "scripts/grade.sh", env={"GITHUB_ACTIONS": "true"})
    assert f"::error file={STUB},title={KATA} is wrong::" in annotated.stdout


def test_grade_reports_modified_tests(repo):
    solve(repo)
    test_file = repo / f"katas/{KATA}/test_tensor_creation.py"
    test_file.write_text(test_file.read_text() + "\n# made easier\n")
    result, report = grade(repo)
    assert result.returncode == 1
    assert status(report) == "tests modified"


def test_grade_with_require_gpu_fails_where_there_is_no_accelerator(repo):
    if accelerator_available():
        pytest.skip("this machine has an accelerator")
    result = sh(repo, "scripts/grade.sh", "--require-gpu")
    assert result.returncode == 1 and "no accelerator" in result.stderr


# --- require-gpu, solution, watch -------------------------------------------------------------


def test_require_gpu_turns_skips_into_failures(repo):
    if accelerator_available():
        pytest.skip("this machine has an accelerator")
    args = [".venv/bin/python", "-m", "pytest", f"katas/{KATA}", "-q", "-p", "no:xdist"]
    env = {"KATA_IMPL": f"{KATA}=solution"}
    skipped = sh(repo, *args, env=env)
    assert skipped.returncode == 0 and "skipped" in skipped.stdout
    required = sh(repo, *args, "--require-gpu", env=env)
    assert required.returncode == 1 and "--require-gpu" in required.stdout


def test_solution_is_hidden_until_the_kata_passes(repo):
    result = sh(repo, "scripts/solution.sh", "01")
    assert result.returncode == 1 and "torch.full" not in result.stdout
    forced = sh(repo, "scripts/solution.sh", "01", "--force")  # no terminal to confirm on
    assert forced.returncode == 2 and "torch.full" not in forced.stdout
    solve(repo, (repo / f"katas/{KATA}/.meta/solution.py").read_text() + "# my notes\n")
    shown = sh(repo, "scripts/solution.sh", "01")
    assert shown.returncode == 0, shown.stderr
    assert "+++ katas/01_tensor_creation/.meta/solution.py" in shown.stdout


def test_watch_reruns_the_tests_when_the_kata_is_saved(repo):
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("KATA_IMPL", None)
    watcher = subprocess.Popen(
        ["scripts/watch.sh", "01"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        first = _read_until(watcher, "Watching for saves")
        assert "01_tensor_creation:" in first and "to do" in first
        solve(repo)
        second = _read_until(watcher, "Watching for saves")
        assert "passes: all" in second, second
    finally:
        os.killpg(watcher.pid, 15)
        watcher.wait(timeout=10)


def _read_until(process, marker: str, timeout: float = 60) -> str:
    seen, deadline = [], time.monotonic() + timeout
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            seen.append(line)
            if marker in line:
                return "".join(seen)
        else:
            time.sleep(0.05)
    raise AssertionError(f"no {marker!r} within {timeout} s:\n{''.join(seen)}")


# --- the check itself catches broken katas --------------------------------------------------------


def _check(repo: Path) -> subprocess.CompletedProcess:
    args = [
        ".venv/bin/python",
        "-m",
        "pytest",
        "scripts/tests/test_katas.py",
        "-q",
        "-p",
        "no:xdist",
    ]
    return sh(repo, *args)


def test_the_check_fails_and_names_the_kata_when_a_solution_breaks(repo):
    solution = repo / f"katas/{KATA}/.meta/solution.py"
    solution.write_text(
        solution.read_text().replace("torch.linspace(start, stop, count)", "torch.zeros(count)")
    )
    result = _check(repo)
    assert result.returncode == 1
    assert f"test_solution_passes_every_test[{KATA}]" in result.stdout


def test_the_check_fails_and_names_a_mistake_no_test_rejects(repo):
    harmless = repo / f"katas/{KATA}/.meta/mistakes/not_a_mistake.py"
    harmless.write_text('"""Identical to the solution."""\n\nfrom solution import *\n')
    result = _check(repo)
    assert result.returncode == 1
    assert f"test_every_mistake_fails_some_test[{KATA}-not_a_mistake]" in result.stdout


# --- setup and help ---------------------------------------------------------------------------


def test_setup_rejects_an_unknown_vendor_with_the_valid_ones():
    result = subprocess.run(
        [ROOT / "scripts/setup.sh", "--vendor", "nope"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "cpu cuda rocm xpu" in result.stderr


@pytest.mark.parametrize(
    "script", sorted(p.name for p in (ROOT / "scripts").glob("*.sh") if p.name != "lib.sh")
)
def test_every_script_explains_itself_with_help(script):
    result = subprocess.run(
        [ROOT / "scripts" / script, "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_engine_needs_only_the_standard_library_to_start():
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import engine.cli, engine.grading, "
        "engine.watch, engine.doctor; print(sorted(set(sys.modules) & {'torch', 'pytest'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_cold_run_reports_the_same_outcomes_as_a_warm_one():
    """fork=False is watch.sh's fallback and the only way on macOS and Windows."""
    kata = resolve("01", discover())
    warm = run_pytest([kata.rel], impl=f"{kata.name}=solution")
    cold = run_pytest([kata.rel], impl=f"{kata.name}=solution", fork=False)
    assert {k: v.outcome for k, v in cold.tests.items()} == {
        k: v.outcome for k, v in warm.tests.items()
    }
    assert cold.count("passed") > 0 and cold.count("failed") == 0
