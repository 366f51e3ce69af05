"""The environment doctor: every check that a kata run depends on, and a one-line fix for each
problem. It runs on the system's Python and asks .venv's interpreter what torch sees, so it
works however broken .venv is."""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.discovery import ROOT

VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
SETUP_STAMP = ROOT / ".venv" / ".katas-setup"
# The oldest NVIDIA driver each CUDA build of the wheels runs on (CUDA's release notes).
CUDA_DRIVERS = {"cu130": 580, "cu129": 575, "cu128": 570, "cu126": 560, "cu124": 550}
FREE_DISK_GIB = 2.0
PROBE = r"""
import json, sys
out = {}
try:
    import torch
    out["torch"] = torch.__version__
    out["cuda"] = torch.version.cuda
    out["hip"] = torch.version.hip
    acc = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else None
    out["accelerator"] = acc.type if acc else None
except Exception as error:
    out["torch_error"] = f"{type(error).__name__}: {error}"
try:
    import torchvision
    out["torchvision"] = torchvision.__version__
    import torch
    torch.ops.torchvision.nms
    out["torchvision_ops"] = True
except Exception as error:
    out["torchvision_error"] = f"{type(error).__name__}: {error}"
try:
    import triton
    out["triton"] = triton.__version__
except Exception:
    out["triton"] = None
print(json.dumps(out))
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _pin(vendor: str, package: str) -> str | None:
    try:
        text = (ROOT / f"requirements-{vendor}.txt").read_text()
    except OSError:
        return None
    darwin = sys.platform == "darwin"
    for line in text.splitlines():
        match = re.match(rf"{package}==([^\s;]+)\s*(?:;\s*(.*))?$", line.strip())
        if match and (not match[2] or ('== "darwin"' in match[2]) == darwin):
            return match[1]
    return None


def _label(version: str | None) -> str:
    return version.split("+", 1)[1] if version and "+" in version else ""


def hardware() -> str:
    """The vendor this machine's hardware asks for (what setup.sh would detect)."""
    if shutil.which("nvidia-smi"):
        return "cuda"
    if Path("/dev/kfd").exists():
        return "rocm"
    vendors = Path("/sys/class/drm").glob("renderD*/device/vendor")
    if any(p.read_text().strip() == "0x8086" for p in vendors if p.is_file()):
        return "xpu"
    return "cpu"


def nvidia_driver() -> int | None:
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
        return int(out.split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def _probe() -> dict:
    try:
        done = subprocess.run(
            [VENV_PYTHON, "-c", PROBE], capture_output=True, text=True, timeout=120
        )
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as error:
        return {"torch_error": f"{type(error).__name__}: {error}"}


def checks() -> list[Check]:
    found = [
        Check(
            "Python",
            sys.version_info >= (3, 11),
            platform.python_version(),
            "install Python 3.11 or newer (or set KATAS_PYTHON to it)",
        )
    ]
    runs = (
        VENV_PYTHON.exists()
        and subprocess.run([VENV_PYTHON, "-c", ""], capture_output=True, timeout=60).returncode == 0
    )
    found.append(Check(".venv", runs, str(ROOT / ".venv"), "run scripts/setup.sh (it makes .venv)"))
    if not runs:
        return found
    stamp = SETUP_STAMP.read_text().split() if SETUP_STAMP.is_file() else []
    vendor = stamp[0] if stamp else "unknown"
    info = _probe()
    torch_ok = "torch" in info
    pin = _pin(vendor, "torch")
    found.append(
        Check(
            "torch",
            torch_ok and (pin is None or info["torch"].split("+")[0] == pin.split("+")[0]),
            info.get("torch") or info.get("torch_error", "not importable"),
            f"scripts/setup.sh --vendor {vendor} --force (requirements-{vendor}.txt pins {pin})",
        )
    )
    vision_ok = info.get("torchvision_ops", False)
    same_build = _label(info.get("torch")) == _label(info.get("torchvision"))
    found.append(
        Check(
            "torchvision",
            vision_ok and same_build,
            (info.get("torchvision") or info.get("torchvision_error", "not importable"))
            + ("" if same_build else f" (torch is {info.get('torch')}: the builds differ)"),
            f"scripts/setup.sh --vendor {vendor} --force installs matching builds",
        )
    )
    wanted = hardware()
    found.append(
        Check(
            "vendor",
            vendor == wanted or (wanted == "cpu" and vendor in ("cpu", "cuda")),
            f".venv was made for {vendor}; this machine's hardware asks for {wanted}",
            f"scripts/setup.sh --vendor {wanted} --force",
        )
    )
    if wanted == "cuda":
        driver, needed = nvidia_driver(), CUDA_DRIVERS.get(_label(info.get("torch")), 0)
        found.append(
            Check(
                "NVIDIA driver",
                driver is not None and driver >= needed,
                f"driver {driver}, the {_label(info.get('torch')) or 'installed'} wheels need "
                f"{needed} or newer",
                "update the NVIDIA driver, or use the cu126 wheels (requirements-cuda.txt says how)",
            )
        )
    if wanted != "cpu" or (sys.platform == "darwin" and platform.machine() == "arm64"):
        expected = "mps" if sys.platform == "darwin" else {"rocm": "cuda"}.get(wanted, wanted)
        found.append(
            Check(
                "accelerator",
                info.get("accelerator") == expected,
                f"torch sees {info.get('accelerator') or 'no accelerator'}, expected {expected}",
                "check the driver and that the container was started with the GPU passed in",
            )
        )
    linux_x86 = sys.platform == "linux" and platform.machine() in ("x86_64", "AMD64")
    if linux_x86 or wanted in ("cuda", "rocm"):
        found.append(
            Check(
                "Triton",
                bool(info.get("triton")),
                info.get("triton") or "not installed (kata 56 needs it)",
                f"scripts/setup.sh --vendor {vendor} --force (its requirements pin triton)",
            )
        )
    compiler = next((c for c in ("c++", "g++", "clang++") if shutil.which(c)), None)
    found.append(
        Check(
            "C++ compiler",
            compiler is not None,
            shutil.which(compiler)
            if compiler
            else "none on PATH (torch.compile's inductor needs one)",
            "install one: sudo apt-get install g++ (Debian/Ubuntu), xcode-select --install (macOS)",
        )
    )
    free = shutil.disk_usage(ROOT).free / 2**30
    found.append(
        Check(
            "disk",
            free >= FREE_DISK_GIB,
            f"{free:.1f} GiB free",
            f"free at least {FREE_DISK_GIB:g} GiB (uv cache clean clears the package cache)",
        )
    )
    return found


def report(found: list[Check]) -> str:
    lines = []
    for check in found:
        lines.append(f"{'✓' if check.ok else '✗'} {check.name:<14} {check.detail}")
        if not check.ok:
            lines.append(f"  fix: {check.fix}")
    bad = sum(not c.ok for c in found)
    lines.append("\nAll good." if not bad else f"\n{bad} problem{'s' * (bad > 1)} found.")
    return "\n".join(lines)


def run() -> int:
    found = checks()
    print(report(found))
    return int(not all(c.ok for c in found))
