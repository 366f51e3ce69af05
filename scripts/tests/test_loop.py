"""The learner's loop as a learner meets it: the same result from any folder, failures that read
in a dozen lines, a broken file that still shows every test, hints that climb, a doctor, and bad
input answered the same way by every script."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from learner import KATA, ROOT, STUB, sh, snapshot, solve

PYTEST = [".venv/bin/python", "-m", "pytest", f"katas/{KATA}", "-q", "-p", "no:xdist"]


def learner_file(repo, old: str, new: str) -> None:
    solution = (repo / f"katas/{KATA}/.meta/solution.py").read_text()
    assert old in solution
    (repo / STUB).write_text(solution.replace(old, new))


# --- any folder ------------------------------------------------------------------------------------


@pytest.fixture
def places(repo, tmp_path) -> dict[str, Path]:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    return {
        "root": repo,
        "katas": repo / "katas",
        "kata": repo / "katas" / KATA,
        "outside": outside,
    }


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["grade.sh"], id="grade"),
        pytest.param(["solution.sh", "01"], id="solution"),
        pytest.param(["hint.sh", "01", "1"], id="hint"),
        pytest.param(["reset.sh", "--help"], id="reset-help"),
    ],
)
def test_every_script_gives_the_same_result_from_any_folder(repo, places, args):
    solve(repo)
    outputs = {}
    for name, folder in places.items():
        (repo / ".kata-hints.json").unlink(missing_ok=True)
        result = sh(folder, str(repo / "scripts" / args[0]), *args[1:])
        outputs[name] = (result.returncode, result.stdout)
    assert outputs["root"][0] == 0, outputs["root"]
    for name, output in outputs.items():
        assert output == outputs["root"], f"from {name}: {output}\nfrom the root: {outputs['root']}"


def test_reset_works_from_inside_the_kata_folder(repo):
    (repo / STUB).write_text("# my work\n")
    result = sh(repo / "katas" / KATA, "../../scripts/reset.sh", "01")
    assert result.returncode == 0, result.stderr
    assert list((repo / ".kata-backups").rglob("tensor_creation.py"))


# --- failures that read in a dozen lines --------------------------------------------------------


def _failure_blocks(output: str) -> list[list[str]]:
    blocks, current = [], None
    for line in output.splitlines():
        if re.match(r"^_{3,} .* _{3,}$", line):
            current = []
            blocks.append(current)
        elif line.startswith("=" * 10):
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_a_wrong_dtype_reads_in_a_few_lines_message_first(repo):
    learner_file(repo, "return torch.eye(n, dtype=dtype)", "return torch.eye(n)")
    result = sh(repo, *PYTEST)
    blocks = _failure_blocks(result.stdout)
    assert blocks, result.stdout
    for block in blocks:
        assert len(block) <= 12, "\n".join(block)
        assert block[0].startswith("identity(") and "wrong dtype" in block[0], block
        assert "where <built-in" not in "\n".join(block)


def test_a_crash_in_the_learners_code_names_the_call_and_its_arguments(repo):
    learner_file(repo, "return torch.eye(n, dtype=dtype)", "return torch.eye(n, dtype=dtype)[n]")
    result = sh(repo, *PYTEST)
    block = _failure_blocks(result.stdout)[0]
    assert block[0].startswith("`identity(n=") and "raised IndexError" in block[0], block
    assert any("tensor_creation.py, line" in line for line in block)
    assert len(block) <= 12


def test_unfinished_work_says_to_do_and_where_to_find_a_hint(repo):
    result = sh(repo, *PYTEST)
    block = _failure_blocks(result.stdout)[0]
    assert block[0].startswith("To do: implement `filled`"), block
    assert "scripts/hint.sh 01" in "\n".join(block)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(("def identity(n: int", "def identity(n: int,,"), id="syntax-error"),
        pytest.param(
            ("import torch\n", "import torch\nimport no_such_module\n"), id="import-error"
        ),
        pytest.param(("def identity(", "def identity_matrix("), id="missing-name"),
    ],
)
def test_a_broken_learner_file_keeps_every_test_and_each_says_why(repo, edit):
    expected = sh(repo, *PYTEST, "--collect-only").stdout
    learner_file(repo, *edit)
    collected = sh(repo, *PYTEST, "--collect-only")
    assert collected.returncode == 0, collected.stdout
    assert collected.stdout.count("::") == expected.count("::")
    result = sh(repo, *PYTEST)
    blocks = _failure_blocks(result.stdout)
    assert blocks and "error" not in result.stdout.splitlines()[-1], result.stdout
    for block in blocks:
        assert "tensor_creation.py" in block[0] and len(block) <= 12, block


# --- hints -----------------------------------------------------------------------------------------

LADDER = """
## Hints

<details><summary>Task 1, hint 1: a nudge</summary>

Think of a tensor that is all one value.
</details>

<details><summary>Task 1, hint 2: the approach</summary>

`torch.full` takes a shape and a value.
</details>

<details><summary>Task 1, hint 3: almost the answer</summary>

`torch.full(shape, value, dtype=dtype)`
</details>

<details><summary>Task 2, hint 1: a nudge</summary>

Counting stops before `stop`.
</details>

<details><summary>Task 2, hint 2: the approach</summary>

`torch.arange`.
</details>
"""


def with_ladder(repo) -> None:
    readme = repo / f"katas/{KATA}/README.md"
    text = readme.read_text()
    start = text.index("## Hints")
    end = text.index("\n## ", start + 1)
    readme.write_text(text[:start] + LADDER.strip() + "\n\n" + text[end + 1 :])


def test_hint_climbs_one_rung_per_call_and_remembers_per_task(repo):
    with_ladder(repo)
    seen = [sh(repo, "scripts/hint.sh", "01").stdout for _ in range(4)]
    assert "Task 1, hint 1 of 3: a nudge" in seen[0] and "all one value" in seen[0]
    assert "Task 1, hint 2 of 3" in seen[1] and "Task 1, hint 3 of 3" in seen[2]
    assert "last hint for Task 1" in seen[2]
    assert "Task 2, hint 1 of 2" in seen[3], "with Task 1 climbed, the next call moves on"
    again = sh(repo, "scripts/hint.sh", "01", "1")
    assert "Task 1, hint 3 of 3" in again.stdout, "the top rung stays the top rung"
    assert "torch.full" not in seen[0], "a nudge shows no code"
    assert '"01_tensor_creation"' in (repo / ".kata-hints.json").read_text()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["01", "9"], id="no-such-task"),
        pytest.param(["01", "x"], id="task-not-a-number"),
        pytest.param([""], id="empty-kata"),
        pytest.param(["nope"], id="unknown-kata"),
    ],
)
def test_hint_refuses_what_is_not_there_with_exit_2(repo, args):
    with_ladder(repo)
    result = sh(repo, "scripts/hint.sh", *args)
    assert result.returncode == 2 and result.stderr.count("\n") <= 3, result.stderr


def test_the_readme_hints_and_hint_sh_are_one_text(repo):
    with_ladder(repo)
    first = sh(repo, "scripts/hint.sh", "01", "2").stdout
    assert "Counting stops before `stop`." in first


# --- the doctor --------------------------------------------------------------------------------------


def test_the_doctor_finds_this_machine_healthy():
    result = subprocess.run([ROOT / "scripts/doctor.sh"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "torch" in result.stdout and "All good." in result.stdout


def test_the_doctor_names_a_missing_compiler_with_its_fix(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    python = getattr(sys, "_base_executable", sys.executable)
    environment = {**os.environ, "PATH": str(bin_dir), "KATAS_PYTHON": python}
    result = subprocess.run(
        [ROOT / "scripts/doctor.sh"], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if "C++ compiler" in line)
    assert line.startswith("✗")
    assert "fix: install one" in result.stdout


# --- bad input, the same everywhere --------------------------------------------------------------

SCRIPTS = ["grade.sh", "reset.sh", "watch.sh", "solution.sh", "hint.sh", "doctor.sh"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_unknown_flag_exits_2_with_the_scripts_own_usage(script):
    result = subprocess.run(
        [ROOT / "scripts" / script, "--no-such-flag"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"usage: scripts/{script}" in result.stderr
    assert "engine" not in result.stderr


@pytest.mark.parametrize("script", ["reset.sh", "watch.sh", "solution.sh", "hint.sh"])
def test_an_empty_kata_name_exits_2(repo, script):
    result = sh(repo, f"scripts/{script}", "")
    assert result.returncode == 2 and "empty kata name" in result.stderr


def test_an_unwritable_report_path_is_one_line_after_the_board(repo):
    result = sh(repo, "scripts/grade.sh", "--json", "/no/such/dir/x.json")
    assert result.returncode == 2
    assert "PyTorch Katas:" in result.stdout
    assert result.stderr.strip().count("\n") == 0 and "cannot write" in result.stderr


def test_the_solution_diff_leaves_the_markers_out(repo):
    solve(repo, (repo / f"katas/{KATA}/.meta/solution.py").read_text() + "# my notes\n")
    shown = sh(repo, "scripts/solution.sh", "01")
    assert shown.returncode == 0, shown.stderr
    assert "SOLUTION" not in shown.stdout


def test_force_without_a_terminal_says_to_add_yes(repo):
    result = sh(repo, "scripts/solution.sh", "01", "--force")
    assert result.returncode == 2 and "--yes" in result.stderr
    shown = sh(repo, "scripts/solution.sh", "01", "--force", "--yes")
    assert shown.returncode == 0 and "+++" in shown.stdout


@pytest.mark.parametrize("vendor", ["", "cpu cuda"])
def test_setup_refuses_an_empty_or_double_vendor(vendor):
    result = subprocess.run(
        [ROOT / "scripts/setup.sh", "--vendor", vendor], capture_output=True, text=True
    )
    assert result.returncode == 2 and "cpu cuda rocm xpu" in result.stderr


# --- reset, hardened ---------------------------------------------------------------------------------


def test_a_planted_link_at_a_temporary_name_is_never_written_through(repo, tmp_path):
    victim = tmp_path / "victim.py"
    victim.write_text("# someone else's work\n")
    folder = repo / f"katas/{KATA}"
    for name in (".tensor_creation.py.tmp", ".tensor_creation.py.tmp.py"):
        (folder / name).symlink_to(victim)
    (repo / STUB).write_text("# mine\n")
    assert sh(repo, "scripts/reset.sh", "01").returncode == 0
    assert victim.read_text() == "# someone else's work\n"


def test_undo_picks_the_newest_of_many_backups_in_one_second(repo):
    save_twelve = (
        "import sys; sys.path.insert(0, 'scripts')\n"
        "from engine.backups import backup\nfrom engine.discovery import discover\n"
        "kata = discover()[0]\n"
        "for n in range(12):\n"
        "    kata.stub.write_text(f'# attempt {n}\\n')\n"
        "    backup(kata, '20261201T000000Z')\n"
    )
    assert sh(repo, sys.executable, "-c", save_twelve).returncode == 0
    assert len(list((repo / ".kata-backups").iterdir())) == 12
    (repo / STUB).write_text("# current\n")
    assert sh(repo, "scripts/reset.sh", "--undo", "01").returncode == 0
    assert (repo / STUB).read_text() == "# attempt 11\n"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["０１"], id="fullwidth-digits"),
        pytest.param(["--all", "--undo"], id="all-and-undo"),
        pytest.param(["--undo", "01", "nope"], id="undo-one-unknown"),
        pytest.param(["--undo", "01"], id="undo-without-a-backup"),
    ],
)
def test_reset_refuses_with_exit_2_and_changes_nothing(repo, args):
    (repo / STUB).write_text("# keep me\n")
    before = snapshot(repo)
    result = sh(repo, "scripts/reset.sh", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert snapshot(repo) == before


def test_undo_of_two_katas_undoes_both_or_neither(repo):
    shutil.copytree(ROOT / "katas/02_dtypes_and_casting", repo / "katas/02_dtypes_and_casting")
    (repo / STUB).write_text("# one\n")
    assert sh(repo, "scripts/reset.sh", "01").returncode == 0
    before = snapshot(repo)
    refused = sh(repo, "scripts/reset.sh", "--undo", "01", "02")
    assert refused.returncode == 2 and "02_dtypes_and_casting has no backup" in refused.stderr
    assert snapshot(repo) == before
    second = repo / "katas/02_dtypes_and_casting/dtypes_and_casting.py"
    second.write_text("# two\n")
    assert sh(repo, "scripts/reset.sh", "02").returncode == 0
    assert sh(repo, "scripts/reset.sh", "--undo", "01", "02").returncode == 0
    assert (repo / STUB).read_text() == "# one\n" and second.read_text() == "# two\n"


def test_a_folder_in_the_way_is_a_one_line_error(repo):
    (repo / STUB).unlink()
    (repo / STUB).mkdir()
    result = sh(repo, "scripts/reset.sh", "01")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
    assert "is a folder" in result.stderr
