"""The dev containers in .devcontainer/<vendor>/: each parses as JSON with comments, installs
exactly what a native setup installs (postCreateCommand is scripts/setup.sh --vendor <vendor>),
keeps uv's cache on a named volume, sets up VS Code for pytest and ruff, and passes in its GPU the
way docs/containers.md says; the vendors agree with the requirements files and with setup.sh;
the shared Dockerfile lints clean with hadolint and the helper script with shellcheck."""

import re
import shlex
import subprocess
from pathlib import Path

import json5
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVCONTAINER = ROOT / ".devcontainer"
DOCKERFILE = DEVCONTAINER / "Dockerfile"
GPU_GROUPS = DEVCONTAINER / "gpu-groups.sh"
BIN = ROOT / ".venv" / "bin"

REQUIREMENT_VENDORS = sorted(
    p.name.removeprefix("requirements-").removesuffix(".txt")
    for p in ROOT.glob("requirements-*.txt")
    if p.name != "requirements-dev.txt"
)
CONTAINER_VENDORS = sorted(p.parent.name for p in DEVCONTAINER.glob("*/devcontainer.json"))
by_vendor = pytest.mark.parametrize("vendor", CONTAINER_VENDORS)


def config(vendor: str) -> dict:
    return json5.loads((DEVCONTAINER / vendor / "devcontainer.json").read_text(encoding="utf-8"))


def run_args(vendor: str) -> list[str]:
    return config(vendor).get("runArgs", [])


def setup_sh_vendors() -> list[str]:
    match = re.search(r'^VENDORS="([^"]+)"', (ROOT / "scripts/setup.sh").read_text(), re.M)
    assert match, 'scripts/setup.sh no longer defines VENDORS="..."'
    return sorted(match.group(1).split())


def test_there_is_one_container_per_requirements_file_and_setup_vendor():
    assert CONTAINER_VENDORS == REQUIREMENT_VENDORS, (
        f".devcontainer/ has {CONTAINER_VENDORS}, requirements-*.txt name {REQUIREMENT_VENDORS}: "
        "add or remove a container so every vendor has one"
    )
    assert setup_sh_vendors() == REQUIREMENT_VENDORS, (
        f"scripts/setup.sh knows {setup_sh_vendors()}, requirements-*.txt name {REQUIREMENT_VENDORS}"
    )


@by_vendor
def test_post_create_runs_setup_for_its_own_vendor(vendor):
    command = config(vendor).get("postCreateCommand")
    assert command == f"scripts/setup.sh --vendor {vendor}", (
        f"{vendor}: postCreateCommand is {command!r}; it must be exactly what a native setup runs"
    )
    assert (ROOT / "scripts/setup.sh").exists()
    assert (ROOT / f"requirements-{vendor}.txt").exists()


@by_vendor
def test_builds_the_shared_dockerfile_with_its_vendor(vendor):
    build = config(vendor).get("build", {})
    dockerfile = (DEVCONTAINER / vendor / build.get("dockerfile", "")).resolve()
    assert dockerfile == DOCKERFILE, f"{vendor}: build.dockerfile is {build.get('dockerfile')!r}"
    assert (DEVCONTAINER / vendor / build.get("context", ".")).resolve() == DEVCONTAINER
    assert build.get("args", {}).get("VENDOR") == vendor, f"{vendor}: build.args.VENDOR"
    assert config(vendor).get("name", "").startswith("PyTorch Katas: ")


def test_the_dockerfile_accepts_every_vendor_and_brings_python_3_12():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG VENDOR=cpu$", text, re.M)
    cases = re.search(r"case \"\$VENDOR\" in(.*?)esac", text, re.S)
    assert cases, "the Dockerfile no longer checks VENDOR with a case statement"
    named = sorted(set(re.findall(r"\b(cpu|cuda|rocm|xpu)\b", cases.group(1))))
    assert named == REQUIREMENT_VENDORS
    assert re.search(r"^FROM \S+:noble$", text, re.M), "Ubuntu 24.04 (noble) brings Python 3.12"
    assert "sys.version_info[:2] == (3, 12)" in text


@by_vendor
def test_uv_cache_lives_on_a_named_volume(vendor):
    cfg = config(vendor)
    env = cfg.get("containerEnv", {})
    cache = env.get("UV_CACHE_DIR")
    volumes = [
        m for m in cfg.get("mounts", []) if isinstance(m, dict) and m.get("type") == "volume"
    ]
    assert cache and any(m.get("target") == cache and m.get("source") for m in volumes), (
        f"{vendor}: UV_CACHE_DIR={cache!r} is not the target of a named volume in mounts"
    )
    assert env.get("UV_LINK_MODE") == "copy", (
        f"{vendor}: the cache volume and the workspace are different filesystems: UV_LINK_MODE=copy"
    )
    assert f"mkdir -p {cache}" in DOCKERFILE.read_text(), "the image must create the mount point"


@by_vendor
def test_vscode_gets_python_ruff_and_pytest_in_the_test_explorer(vendor):
    vscode = config(vendor).get("customizations", {}).get("vscode", {})
    extensions = set(vscode.get("extensions", []))
    assert {"ms-python.python", "charliermarsh.ruff"} <= extensions, extensions
    settings = vscode.get("settings", {})
    assert settings.get("python.defaultInterpreterPath", "").endswith("/.venv/bin/python")
    assert settings.get("python.testing.pytestEnabled") is True
    assert settings.get("python.testing.unittestEnabled") is False
    python = settings.get("[python]", {})
    assert python.get("editor.defaultFormatter") == "charliermarsh.ruff"
    assert python.get("editor.formatOnSave") is True


def test_cuda_starts_without_a_gpu_and_asks_for_one_where_there_is_one():
    cfg = config("cuda")
    assert cfg.get("hostRequirements", {}).get("gpu") == "optional", (
        "hostRequirements.gpu 'optional' makes the tooling add --gpus all only where the NVIDIA "
        "runtime exists, so the container still starts on a CPU-only machine"
    )
    assert not [a for a in run_args("cuda") if a.startswith("--gpus")], (
        "--gpus in runArgs makes the container fail to start without an NVIDIA GPU"
    )


@pytest.mark.parametrize(
    ("vendor", "devices"), [("rocm", ["/dev/kfd", "/dev/dri"]), ("xpu", ["/dev/dri"])]
)
def test_amd_and_intel_pass_in_their_devices_and_groups(vendor, devices):
    args = run_args(vendor)
    for device in devices:
        assert f"--device={device}" in args, f"{vendor}: runArgs lacks --device={device}"
    assert "--group-add=video" in args
    numeric = [a for a in args if re.fullmatch(r"--group-add=\d+", a)]
    assert not numeric, f"{vendor}: group ids differ between hosts, do not hard-code {numeric}"
    # The render group's id differs between hosts: gpu-groups.sh reads it from the devices.
    command = config(vendor).get("onCreateCommand", "")
    assert ".devcontainer/gpu-groups.sh" in command and command.startswith("sudo "), command


def test_rocm_uses_the_seccomp_setting_rocm_documents():
    assert "--security-opt=seccomp=unconfined" in run_args("rocm")
    raw = (DEVCONTAINER / "rocm" / "devcontainer.json").read_text(encoding="utf-8")
    assert "HSA_OVERRIDE_GFX_VERSION" in raw, "say how consumer cards set HSA_OVERRIDE_GFX_VERSION"


def test_xpu_image_brings_intels_user_space_driver():
    text = DOCKERFILE.read_text(encoding="utf-8")
    xpu = re.search(r"^\s*xpu\)(.*)$", text, re.M)
    assert xpu and {"libze1", "libze-intel-gpu1"} <= set(re.findall(r"[\w.+-]+", xpu.group(1)))


@pytest.mark.parametrize("vendor", ["cpu", "cuda"])
def test_cpu_and_cuda_pass_in_no_device_nodes(vendor):
    assert not [a for a in run_args(vendor) if a.startswith("--device")]
    assert "onCreateCommand" not in config(vendor)


@by_vendor
def test_lifecycle_commands_name_only_files_that_exist(vendor):
    cfg = config(vendor)
    for key in ("onCreateCommand", "postCreateCommand"):
        if key in cfg:
            for word in shlex.split(cfg[key]):
                if "/" in word and not word.startswith("-") and not word.startswith("$"):
                    assert (ROOT / word).exists(), f"{vendor}: {key} names {word}, which is missing"


def test_dockerfile_lints_clean_with_hadolint():
    result = subprocess.run(
        [BIN / "hadolint", "--no-color", DOCKERFILE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gpu_groups_script_is_executable_and_passes_shellcheck():
    assert GPU_GROUPS.stat().st_mode & 0o111, f"{GPU_GROUPS} is not executable"
    result = subprocess.run(
        [BIN / "shellcheck", GPU_GROUPS], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_devcontainer_validates_against_the_dev_container_schema():
    # A copy of the spec's devContainer.base.schema.json (MIT, github.com/devcontainers/spec),
    # kept in the repository so the check needs no network.
    schema = ROOT / "scripts" / "tests" / "schemas" / "devContainer.base.schema.json"
    files = sorted(str(p) for p in DEVCONTAINER.glob("*/devcontainer.json"))
    result = subprocess.run(
        [BIN / "check-jsonschema", "--force-filetype", "json5", "--schemafile", schema, *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_has_a_cpp_compiler_and_python_headers_for_inductor_and_triton():
    text = DOCKERFILE.read_text()
    install = next(line for line in text.splitlines() if "apt-get install" in line)
    assert " g++ " in install and " python3-dev " in install, install
