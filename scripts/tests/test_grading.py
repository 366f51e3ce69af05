"""A grader no common shortcut fools: each row of the table a learner who wants a green board
would try, reproduced in a copy of the repository, and what the board must say instead of a
plain "passed"; and work in progress that reads as such."""

import ast
import json
import subprocess

import pytest
from learner import KATA, ROOT, STUB, sh, solve


def grade(repo, *args, env=None) -> tuple[subprocess.CompletedProcess, dict]:
    result = sh(repo, "scripts/grade.sh", "--json", "grade.json", *args, env=env)
    return result, json.loads((repo / "grade.json").read_text())


def kata(report: dict) -> dict:
    return report["katas"][0]


def codes(entry: dict) -> set[str]:
    return {flag["code"] for flag in entry["flags"]}


def partly_solved(repo, functions=("filled",), extra: str = "") -> str:
    """The stub with only `functions` taken from the solution: a learner part of the way."""
    solution = (repo / f"katas/{KATA}/.meta/solution.py").read_text()
    stub = (repo / STUB).read_text()
    for tree, text in ((ast.parse(solution), solution),):
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                done = ast.get_source_segment(text, node)
                todo_tree = ast.parse(stub)
                todo = next(n for n in todo_tree.body if getattr(n, "name", "") == node.name)
                stub = stub.replace(ast.get_source_segment(stub, todo), done)
    source = stub + extra
    (repo / STUB).write_text(source)
    return source


# --- work in progress is not wrong ----------------------------------------------------------------


def test_a_kata_with_one_task_done_is_in_progress_and_exits_0(repo):
    partly_solved(repo)
    result, report = grade(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert kata(report)["status"] == "in progress"
    assert kata(report)["tests"]["wrong"] == 0 and kata(report)["tests"]["todo"] > 0
    assert "◐ in progress" in result.stdout and "0 wrong" in result.stdout


def test_a_wrong_answer_beside_unfinished_tasks_is_wrong_and_exits_1(repo):
    partly_solved(repo, extra="\n\ndef filled(shape, value, dtype=None):\n    return None\n")
    result, report = grade(repo)
    assert result.returncode == 1
    assert kata(report)["status"] == "wrong" and kata(report)["todo"]


# --- the shortcuts ---------------------------------------------------------------------------------

PASS_EVERYTHING = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    report.longrepr = None
    return report
"""


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("conftest.py", id="added-at-the-root"),
        pytest.param(f"katas/{KATA}/conftest.py", id="added-in-the-kata"),
        pytest.param("katas/conftest.py", id="the-repositorys-edited"),
    ],
)
def test_a_conftest_that_passes_everything_is_ignored_and_flagged(repo, where):
    path = repo / where
    path.write_text((path.read_text() if path.exists() else "") + PASS_EVERYTHING)
    partly_solved(repo)
    result, report = grade(repo)
    assert kata(report)["status"] != "passed", result.stdout
    assert result.returncode == 1, result.stdout
    flagged = codes(kata(report)) | {f["code"] for f in report["flags"]}
    assert flagged & {"config-ignored", "grader-modified"}, report


def test_an_added_conftest_with_nothing_solved_leaves_everything_todo(repo):
    (repo / "conftest.py").write_text(PASS_EVERYTHING)
    result, report = grade(repo)
    assert kata(report)["status"] == "todo"
    assert "conftest.py is ignored by grading" in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(("pytest.ini", "[pytest]\naddopts = -k filled\n"), id="pytest-ini"),
        pytest.param(("tox.ini", "[pytest]\naddopts = -k filled\n"), id="tox-ini"),
        pytest.param(("setup.cfg", "[tool:pytest]\naddopts = -k filled\n"), id="setup-cfg"),
    ],
)
def test_an_ini_file_that_deselects_tests_is_ignored_and_flagged(repo, config):
    name, text = config
    (repo / name).write_text(text)
    partly_solved(repo)
    _, report = grade(repo)
    assert kata(report)["status"] == "in progress"
    assert any(name in f["detail"] for f in report["flags"]), report["flags"]


def test_addopts_changed_in_pyproject_is_a_modified_grader(repo):
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("addopts = [", 'addopts = ["-k", "filled", ')
    )
    partly_solved(repo)
    result, report = grade(repo)
    assert kata(report)["status"] in ("in progress", "not trusted")
    assert "pyproject.toml" in json.dumps(report["flags"])
    assert result.returncode == 1


@pytest.mark.parametrize(
    "variable",
    [
        pytest.param({"PYTEST_ADDOPTS": "-k filled"}, id="PYTEST_ADDOPTS"),
        pytest.param({"KATA_IMPL": "*=solution"}, id="KATA_IMPL"),
        pytest.param({"PYTEST_PLUGINS": "no_such_plugin"}, id="PYTEST_PLUGINS"),
    ],
)
def test_environment_variables_that_change_a_run_are_ignored_and_shown(repo, variable):
    partly_solved(repo)
    result, report = grade(repo, env=variable)
    assert kata(report)["status"] == "in progress", result.stdout + result.stderr
    assert f"${next(iter(variable))} is set" in result.stdout


def test_a_stub_that_patches_pytest_is_not_trusted(repo):
    patch = "\nimport _pytest.python\n_pytest.python.Function.runtest = lambda self: None\n"
    partly_solved(repo, extra=patch)
    result, report = grade(repo)
    assert kata(report)["status"] == "not trusted", result.stdout
    assert {"tampering", "imports-machinery"} <= codes(kata(report))
    assert result.returncode == 1


def test_a_stub_that_rewrites_reports_in_its_own_process_is_not_trusted(repo):
    patch = (
        "\nimport _pytest.reports\n"
        "_pytest.reports.BaseReport.failed = property(lambda self: False)\n"
        "_pytest.reports.BaseReport.passed = property(lambda self: True)\n"
    )
    partly_solved(repo, extra=patch)
    result, report = grade(repo)
    assert kata(report)["status"] == "not trusted", result.stdout


def test_skipping_the_unsolved_tasks_is_in_progress_and_flagged(repo):
    source = partly_solved(repo)
    skipping = source.replace("raise NotImplementedError(", "__import__('pytest').skip(")
    (repo / STUB).write_text(skipping)
    result, report = grade(repo)
    assert kata(report)["status"] == "in progress", result.stdout
    assert {"skipped", "imports-machinery"} <= codes(kata(report))
    assert "skipped by your code" in result.stdout


def test_a_copy_of_the_reference_solution_is_marked_as_such(repo):
    solve(repo)
    result, report = grade(repo)
    assert kata(report)["status"] == "passed"
    assert "reference-solution" in codes(kata(report))
    assert "identical to the reference solution" in result.stdout


def test_executing_the_reference_solution_is_not_trusted(repo):
    path = (repo / f"katas/{KATA}/.meta/solution.py").as_posix()
    (repo / STUB).write_text(f"exec(open({path!r}).read())\n")
    result, report = grade(repo)
    assert kata(report)["status"] == "not trusted", result.stdout
    assert "reads-meta" in codes(kata(report))


def test_reading_the_solution_through_a_computed_path_is_caught_at_run_time(repo):
    code = (
        "import pathlib\n"
        "_here = pathlib.Path(__file__).parent\n"
        "exec((_here / ('.me' + 'ta') / 'solution.py').read_text())\n"
    )
    (repo / STUB).write_text(code)
    result, report = grade(repo)
    assert kata(report)["status"] == "not trusted", result.stdout
    assert "your code opened" in result.stdout


def test_an_edited_engine_is_a_modified_grader(repo):
    grading = repo / "scripts/engine/grading.py"
    grading.write_text(grading.read_text() + "\n# always pass\n")
    solve(repo)
    result, report = grade(repo)
    assert kata(report)["status"] == "not trusted"
    assert "scripts/engine/grading.py" in result.stdout
    assert result.returncode == 1


def test_fewer_tests_than_the_manifest_expects_is_not_passed(repo):
    solve(repo)
    recorded = json.loads((repo / "katas/manifest.json").read_text())
    recorded["expected_tests"][KATA].append("test_that_was_deleted")
    (repo / "katas/manifest.json").write_text(json.dumps(recorded))
    _, report = grade(repo)
    assert kata(report)["status"] == "in progress"
    assert "tests-missing" in codes(kata(report))


# --- advice that never loses work ----------------------------------------------------------------


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_following_the_advice_for_an_edited_test_file_loses_no_work(repo):
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=l", "-c", "user.email=l@x", "add", "-A")
    _git(repo, "-c", "user.name=l", "-c", "user.email=l@x", "commit", "-qm", "start")
    test_file = repo / f"katas/{KATA}/test_tensor_creation.py"
    original = test_file.read_text()
    test_file.write_text(original + "\n# made easier\n")
    work = partly_solved(repo)
    result, report = grade(repo)
    assert kata(report)["status"] == "tests modified"
    advice = next(line for line in result.stdout.splitlines() if "scripts/reset.sh" in line)
    assert "git checkout" not in result.stdout and "--tests 01" in advice
    restored = sh(repo, "scripts/reset.sh", "--tests", "01")
    assert restored.returncode == 0, restored.stderr
    assert test_file.read_text() == original
    assert (repo / STUB).read_text() == work, "the learner's work must be untouched"
    saved = list((repo / ".kata-backups").rglob("test_tensor_creation.py"))
    assert saved and saved[0].read_text().endswith("# made easier\n")


def test_no_message_of_ours_suggests_a_command_that_discards_work():
    sources = [*(ROOT / "scripts").rglob("*.py"), *(ROOT / "scripts").glob("*.sh")]
    for path in sources:
        if path.parent.name == "tests":
            continue
        text = path.read_text()
        for dangerous in ("git checkout --", "git reset --hard", "git restore", "git clean"):
            assert dangerous not in text, f"{path.relative_to(ROOT)} suggests `{dangerous}`"
