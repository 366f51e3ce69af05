"""Repository-wide rules: generated files in sync, requirements pinned to the right indexes, and
no package registry's host written anywhere."""

import re
import subprocess
import sys

import pytest

from engine import manifest
from engine.discovery import ROOT, discover
from engine.reports import readme_with_catalogue
from engine.running import collect_ids, warm_up

VENDORS = {"cpu": "cpu", "cuda": "cu130", "rocm": "rocm7.2", "xpu": "xpu"}
TORCH, TORCHVISION = "2.14.1", "0.29.1"


def test_the_manifest_records_every_grader_file_and_every_katas_tests():
    warm_up()
    assert manifest.MANIFEST.read_text() == manifest.render(collect_ids(discover())), (
        "katas/manifest.json is out of date: run python3 scripts/engine manifest"
    )


def test_readme_catalogue_is_generated_from_the_katas():
    readme = (ROOT / "README.md").read_text()
    assert readme_with_catalogue(readme) == readme, (
        "README.md's catalogue is out of date: run python3 scripts/engine catalogue"
    )


@pytest.mark.parametrize(("vendor", "label"), VENDORS.items())
def test_each_vendor_file_takes_torch_only_from_its_pytorch_index(vendor, label):
    lines = (ROOT / f"requirements-{vendor}.txt").read_text().splitlines()
    assert f"--extra-index-url https://download.pytorch.org/whl/{label}" in lines
    assert "--index-url" not in " ".join(lines).replace("--extra-index-url", "")
    pins = [
        line.split(";")[0].strip() for line in lines if line.startswith(("torch", "torchvision"))
    ]
    linux = {p for p in pins if "+" in p}
    assert linux == {f"torch=={TORCH}+{label}", f"torchvision=={TORCHVISION}+{label}"}
    unlabelled = [p for p in pins if "+" not in p]
    for line in lines:
        if line.split(";")[0].strip() in unlabelled:
            assert 'sys_platform == "darwin"' in line, (
                f"{line!r}: an unlabelled pin is for macOS only"
            )
    assert "-r requirements-dev.txt" in lines


def test_dev_requirements_are_pinned_exactly():
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.+\-]*", line), (
                f"not pinned: {line}"
            )


def test_no_package_registry_host_is_written_into_the_project():
    hosts = [
        "pypi" + ".org",
        "pythonhosted" + ".org",
        "deb.debian" + ".org",
        "registry.npmjs" + ".org",
    ]
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    found = [
        f"{name}: {host}"
        for name in files
        if (ROOT / name).is_file()
        for host in hosts
        if host in (ROOT / name).read_text(errors="ignore")
    ]
    assert not found, f"registry hosts written into the project: {found}"


def test_the_setup_pins_the_python_it_supports():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in text
    assert sys.version_info >= (3, 11)


def _jsonc(path):
    import json5

    return json5.loads(path.read_text())


def test_vscode_runs_pytest_with_the_venv_and_hides_solutions():
    settings = _jsonc(ROOT / ".vscode" / "settings.json")
    assert settings["python.testing.pytestEnabled"] is True
    assert settings["python.defaultInterpreterPath"].endswith(".venv/bin/python")
    assert settings["files.exclude"]["**/.meta"] and settings["search.exclude"]["**/.meta"]
    recommended = _jsonc(ROOT / ".vscode" / "extensions.json")["recommendations"]
    assert {"ms-python.python", "charliermarsh.ruff"} <= set(recommended)


def test_vscode_tasks_call_scripts_that_exist():
    tasks = _jsonc(ROOT / ".vscode" / "tasks.json")["tasks"]
    labels = " ".join(t["label"] for t in tasks)
    for word in ["test", "watch", "reset", "grade"]:
        assert word in labels
    for task in tasks:
        program = task["command"].split()[0]
        assert (ROOT / program).exists(), f"{task['label']}: {program} does not exist"


def test_test_explorer_rediscovers_when_tests_are_saved_never_when_a_stub_is():
    import fnmatch

    import json5

    settings = json5.loads((ROOT / ".vscode" / "settings.json").read_text())
    pattern = settings["python.testing.autoTestDiscoverOnSavePattern"]
    head, alternatives = pattern.split("{", 1)
    choices, tail = alternatives.split("}", 1)
    globs = [head + choice + tail for choice in choices.split(",")]

    def rediscovers(path) -> bool:
        return any(fnmatch.fnmatch(str(path), glob) for glob in globs)

    for kata in discover():
        assert rediscovers(kata.test), f"saving {kata.test} must rediscover"
        assert not rediscovers(kata.stub), f"saving {kata.stub} must not rediscover"
    assert rediscovers(ROOT / "katas" / "conftest.py")
    assert rediscovers(ROOT / "katas" / "kata_helpers.py")
