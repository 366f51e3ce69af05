"""The GitHub Actions workflows: valid against the GitHub workflow schema, and the project's
policy: every action pinned to a full commit SHA with its version in a comment, read-only
permissions, a timeout on every job, no secrets, self-hosted (GPU) runners unreachable from a
fork's pull request, and every job calling the scripts a learner runs rather than repeating them."""

import functools
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
BIN = ROOT / ".venv" / "bin"

# Events that can run code a fork's author wrote, or that anyone can cause on a public repository.
UNSAFE_FOR_SELF_HOSTED = {
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "fork",
    "watch",
    "workflow_run",
}
GPU_RUNNERS = {
    "cuda": ["self-hosted", "linux", "x64", "cuda"],
    "rocm": ["self-hosted", "linux", "x64", "rocm"],
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
SHA_PIN = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})$")

by_file = pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def triggers(workflow: dict) -> dict:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def jobs(workflow: dict) -> dict:
    return workflow.get("jobs", {})


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def step_using(job: dict, action: str) -> dict:
    found = [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"expected one {action} step, found {len(found)}"
    return found[0]


def runs_on_labels(job: dict) -> list:
    runs_on = job.get("runs-on", [])
    if isinstance(runs_on, str) and "matrix." in runs_on:
        include = job.get("strategy", {}).get("matrix", {}).get("include", [])
        key = runs_on.split("matrix.")[1].strip(" }")
        return [label for entry in include for label in _as_list(entry.get(key))]
    return _as_list(runs_on)


def _as_list(value) -> list:
    if isinstance(value, dict):  # runs-on: {group:, labels:}
        return _as_list(value.get("labels"))
    return value if isinstance(value, list) else [value] if value else []


def run_commands(job: dict) -> list[list[str]]:
    """Each command line of the job's run steps, as words."""
    commands = []
    for step in steps(job):
        for line in step.get("run", "").splitlines():
            if line.strip() and not line.strip().startswith("#"):
                commands.append(shlex.split(line))
    return commands


@functools.cache
def script_help(script: str) -> str:
    """What `script --help` prints (the scripts answer it without a venv)."""
    result = subprocess.run(
        [ROOT / script, "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, f"{script} --help failed:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def uv_version_in_setup_sh() -> str:
    match = re.search(r"^UV_VERSION=(\S+)$", (ROOT / "scripts/setup.sh").read_text(), re.M)
    assert match, "scripts/setup.sh no longer defines UV_VERSION"
    return match.group(1)


def workflow_named(name: str) -> dict:
    return load(WORKFLOWS / name)


def test_the_three_workflows_exist():
    assert {p.name for p in FILES} >= {"grade.yml", "check.yml", "gpu.yml"}


def test_every_workflow_validates_against_the_github_workflow_schema():
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *FILES],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@by_file
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(path):
    lines = [m for line in path.read_text().splitlines() if (m := USES.match(line))]
    for match in lines:
        ref, comment = match["ref"].strip("'\""), match["comment"] or ""
        if ref.startswith("./"):
            continue  # an action in this repository: pinned by the checkout itself
        assert SHA_PIN.match(ref), f"{path.name}: {ref} is not pinned to a 40-character commit SHA"
        assert re.fullmatch(r"v\d+(\.\d+)*", comment.strip()), (
            f"{path.name}: {ref} needs its release in a comment, e.g. '# v1.2.3' (got {comment!r})"
        )


def test_each_action_is_pinned_to_the_same_commit_everywhere():
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for line in path.read_text().splitlines():
            if (m := USES.match(line)) and (pin := SHA_PIN.match(m["ref"])):
                pins.setdefault(pin["action"], set()).add(f"{pin['sha']} {m['comment']}")
    mixed = {action: shas for action, shas in pins.items() if len(shas) > 1}
    assert not mixed, f"one action, several pins: {mixed}"


@by_file
def test_permissions_are_read_only_contents(path):
    workflow = load(path)
    assert workflow.get("permissions") == {"contents": "read"}, (
        f"{path.name}: top-level permissions must be exactly contents: read"
    )
    for name, job in jobs(workflow).items():
        permissions = job.get("permissions", {})
        assert isinstance(permissions, dict), f"{path.name}: {name}: permissions {permissions!r}"
        writes = {k: v for k, v in permissions.items() if v == "write"}
        assert not writes, f"{path.name}: job {name} asks for {writes}; no job needs to write"


@by_file
def test_every_job_has_a_timeout(path):
    for name, job in jobs(load(path)).items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 120, (
            f"{path.name}: job {name} needs timeout-minutes (1 to 120), has {timeout!r}"
        )


@by_file
def test_no_secrets_and_no_pull_request_target(path):
    text = path.read_text()
    assert "secrets." not in text and "secrets[" not in text, f"{path.name} uses a secret"
    assert "pull_request_target" not in triggers(load(path)), (
        f"{path.name}: pull_request_target runs a fork's code with the base repository's rights"
    )


@by_file
def test_checkouts_do_not_keep_the_token(path):
    for name, job in jobs(load(path)).items():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (
                    f"{path.name}: job {name}: checkout needs persist-credentials: false"
                )


@by_file
def test_self_hosted_runners_cannot_be_reached_from_a_fork(path):
    workflow = load(path)
    self_hosted = [n for n, j in jobs(workflow).items() if "self-hosted" in runs_on_labels(j)]
    if not self_hosted:
        return
    unsafe = set(triggers(workflow)) & UNSAFE_FOR_SELF_HOSTED
    assert not unsafe, f"{path.name} runs {self_hosted} on self-hosted runners on {unsafe}"
    push = triggers(workflow).get("push")
    if "push" in triggers(workflow):
        assert isinstance(push, dict) and push.get("branches"), (
            f"{path.name}: a push trigger for self-hosted runners must name its branches"
        )
        assert not {"tags", "branches-ignore", "tags-ignore"} & set(push)


@by_file
def test_every_job_calls_the_scripts_and_nothing_else(path):
    for name, job in jobs(load(path)).items():
        commands = run_commands(job)
        assert commands, f"{path.name}: job {name} runs no script"
        for words in commands:
            script = ROOT / words[0]
            assert words[0].startswith("scripts/") and script.suffix == ".sh", (
                f"{path.name}: job {name} runs {' '.join(words)!r}; workflows call scripts/*.sh "
                "(the commands a learner runs), so logic lives in one place"
            )
            assert script.exists(), f"{path.name}: job {name} calls {words[0]}, which is missing"
            usage = script_help(words[0])
            for option in (w.split("=")[0] for w in words[1:] if w.startswith("--")):
                assert re.search(rf"(?<![\w-]){option}(?![\w-])", usage), (
                    f"{path.name}: {words[0]} --help offers no option {option}:\n{usage}"
                )


@by_file
def test_setup_uv_installs_the_uv_version_setup_sh_installs(path):
    for job in jobs(load(path)).values():
        for step in steps(job):
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                assert str(step.get("with", {}).get("version")) == uv_version_in_setup_sh()


def test_grading_runs_on_every_push_and_pull_request_on_a_hosted_cpu_runner():
    workflow = workflow_named("grade.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    (job,) = jobs(workflow).values()
    labels = runs_on_labels(job)
    assert len(labels) == 1 and labels[0].startswith("ubuntu-"), labels
    assert not job.get("continue-on-error") and "if" not in job


def test_grading_runs_the_learners_commands_and_keeps_the_report():
    (job,) = jobs(workflow_named("grade.yml")).values()
    assert run_commands(job) == [
        ["scripts/setup.sh", "--vendor", "cpu"],
        ["scripts/grade.sh", "--markdown", "$GITHUB_STEP_SUMMARY", "--json", "grade.json"],
    ]
    grade = next(s for s in steps(job) if "scripts/grade.sh" in s.get("run", ""))
    assert not grade.get("continue-on-error"), "the run must fail by grade.sh's exit status"
    assert step_using(job, "actions/setup-python")["with"]["python-version"] == "3.12"
    uv = step_using(job, "astral-sh/setup-uv")["with"]
    assert uv.get("enable-cache") is True and "requirements-" in uv.get("cache-dependency-glob")
    upload = step_using(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "grade.json"
    assert upload.get("if") in ("${{ !cancelled() }}", "${{ always() }}", "always()")


def test_maintainers_check_runs_check_sh_on_the_upstream_repository_only():
    workflow = workflow_named("check.yml")
    (job,) = jobs(workflow).values()
    assert ["scripts/check.sh"] in run_commands(job)
    condition = job.get("if", "")
    assert "github.event.repository.is_template" in condition, condition
    assert "vars.KATAS_MAINTAINERS_CHECK" in condition, condition


def test_gpu_suites_run_on_cuda_and_rocm_self_hosted_runners():
    workflow = workflow_named("gpu.yml")
    assert set(triggers(workflow)) == {"push", "workflow_dispatch", "schedule"}
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert workflow.get("concurrency"), "the GPU workflow needs a concurrency group"
    (job,) = jobs(workflow).values()
    include = job["strategy"]["matrix"]["include"]
    assert {e["vendor"]: e["runner"] for e in include} == GPU_RUNNERS
    assert job["runs-on"] == "${{ matrix.runner }}"
    assert job["strategy"].get("fail-fast") is False
    assert "vars.KATAS_GPU_RUNNERS" in job.get("if", "")
    commands = run_commands(job)
    assert ["scripts/setup.sh", "--vendor", "$VENDOR"] in commands
    assert ["scripts/check.sh", "--gpu"] in commands
    grade = next(c for c in commands if c[0] == "scripts/grade.sh")
    assert "--require-gpu" in grade
    assert not any(w == "-n" or w.startswith("--numprocesses") for c in commands for w in c), (
        "one GPU per runner: no parallel pytest workers on it"
    )


def test_dependabot_config_validates_and_keeps_the_actions_current():
    config = ROOT / ".github" / "dependabot.yml"
    result = subprocess.run(
        [ROOT / ".venv/bin/check-jsonschema", "--builtin-schema", "vendor.dependabot", config],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = [u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]]
    assert "github-actions" in ecosystems


@by_file
def test_only_the_gpu_workflow_names_the_self_hosted_labels(path):
    """A runner group's workflow access names gpu.yml alone: any other workflow asking for the
    GPU runners would wait forever, and is a sign that someone tries to reach them."""
    named = [n for n, j in jobs(load(path)).items() if "self-hosted" in runs_on_labels(j)]
    assert path.name == "gpu.yml" or not named, f"{path.name} asks for self-hosted runners"


def test_the_runner_setup_names_every_setting_the_maintainer_must_make():
    doc = (ROOT / "docs" / "workflows.md").read_text()
    for setting in [
        "runner group",
        "Selected workflows",
        ".github/workflows/gpu.yml@refs/heads/main",
        "Selected repositories",
        "Require approval for all external",
        "--ephemeral",
        "--runnergroup katas-gpu",
        "fork's own",
    ]:
        assert setting in doc, f"docs/workflows.md does not say {setting!r}"
    header = (WORKFLOWS / "gpu.yml").read_text().split("\nname:", 1)[0]
    comment = " ".join(header.replace("#", " ").split())
    assert "can never" not in comment, "gpu.yml must not promise what only settings can enforce"
    assert "runner group" in comment and "ephemeral" in comment
