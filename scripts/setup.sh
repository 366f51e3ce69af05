#!/usr/bin/env bash
# Creates .venv with uv and installs PyTorch for this machine's accelerator plus the tools.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

VENDORS="cpu cuda rocm xpu"
UV_VERSION=0.13.9

usage() {
  cat <<USAGE
usage: scripts/setup.sh [--vendor cpu|cuda|rocm|xpu] [--force] [--torch-next]

Creates .venv (with uv, installed with pip into .tools/ when missing) and installs
requirements-<vendor>.txt. The vendor is detected when not given: nvidia-smi -> cuda,
/dev/kfd or rocminfo -> rocm, an Intel GPU -> xpu, otherwise cpu (macOS: cpu, whose wheels
include MPS). A second run with nothing changed only checks and reports.

Where the vendor's PyTorch index cannot be reached it says so and installs the same versions
from the default package index instead. Environment:
  KATAS_TORCH_INDEX   use this PyTorch wheel index (a mirror) instead of the one in the file
  KATAS_PYTHON        the Python (3.11 or newer) to build .venv from
  --force             reinstall even when .venv is up to date
  --torch-next        the newest torch and torchvision on the PyTorch index, pre-releases
                      included, instead of the pinned versions (the Canary workflow, with
                      KATAS_TORCH_INDEX=https://download.pytorch.org/whl/test/cpu or nightly/cpu)
USAGE
}

vendor="" given=0 force=0 next=0
while [ $# -gt 0 ]; do
  case "$1" in
    --vendor) [ $# -ge 2 ] || die "--vendor needs one of: $VENDORS" 2; vendor=$2 given=1; shift 2 ;;
    --vendor=*) vendor=${1#--vendor=} given=1; shift ;;
    --force) force=1; shift ;;
    --torch-next) next=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" 2 ;;
  esac
done

detect_vendor() {
  if [ "$(uname -s)" = Darwin ]; then echo cpu; return; fi
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then echo cuda; return; fi
  if [ -e /dev/kfd ] || command -v rocminfo >/dev/null 2>&1; then echo rocm; return; fi
  if grep -qs 0x8086 /sys/class/drm/renderD*/device/vendor; then echo xpu; return; fi
  echo cpu
}

if [ "$given" = 0 ]; then
  vendor=$(detect_vendor)
  echo "Detected vendor: $vendor (override with --vendor)"
fi
known=0
for valid in $VENDORS; do [ "$vendor" = "$valid" ] && known=1; done
[ "$known" = 1 ] || die "unknown vendor '$vendor'; valid vendors: $VENDORS" 2
if [ "$(uname -s)" = Darwin ] && [ "$vendor" != cpu ]; then
  die "on macOS use --vendor cpu: its wheels include MPS for Apple GPUs" 2
fi

cd "$KATAS_ROOT"
export UV_PYTHON_DOWNLOADS=never # uv must use this machine's Python, never fetch one
requirements="requirements-$vendor.txt"
stamp=.venv/.katas-setup
fingerprint=$(cat "$requirements" requirements-dev.txt | cksum | cut -d' ' -f1)
fingerprint="$vendor $fingerprint ${KATAS_TORCH_INDEX:-} next=$next"

report() {
  "$VENV_PYTHON" - <<'PY'
import torch, torchvision
acc = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else None
print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, "
      f"accelerator: {acc.type if acc else 'none (CPU only)'}")
PY
}

if [ "$force" = 0 ] && venv_runs && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
  echo ".venv is up to date for $vendor."
  report
  exit 0
fi

uv=$(command -v uv || true)
if [ -z "$uv" ]; then
  uv=.tools/uv/bin/uv
  if [ ! -x "$uv" ]; then
    echo "Installing uv $UV_VERSION into .tools/uv (pip takes minutes for PyTorch, uv seconds)."
    "$(system_python)" -m pip install --quiet --disable-pip-version-check \
      --target .tools/uv "uv==$UV_VERSION"
  fi
fi

if ! venv_runs; then
  # Missing, or made elsewhere (a container's .venv on the host): it holds only packages.
  [ -e .venv ] && echo ".venv does not run on this machine: recreating it."
  "$uv" venv --quiet --clear --python "$(system_python)" .venv
fi

index=$(sed -n 's/^--extra-index-url[= ]*//p' "$requirements")
[ -n "${KATAS_TORCH_INDEX:-}" ] && index=$KATAS_TORCH_INDEX

reachable() {
  "$VENV_PYTHON" - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=10).close()
except Exception as error:
    sys.exit(f"{type(error).__name__}: {error}")
PY
}

install_from=$(mktemp "${TMPDIR:-/tmp}/katas-requirements.XXXXXX")
trap 'rm -f "$install_from"' EXIT
if why=$(reachable "$index" 2>&1); then
  sed "s|^--extra-index-url.*|--extra-index-url $index|; s|^-r |-r $KATAS_ROOT/|" \
    "$requirements" >"$install_from"
else
  cat >&2 <<WARN

################################################################################
WARNING: the PyTorch index $index cannot be reached
  ($why).
Installing the same torch and torchvision versions from the default package index
instead. Both come from there, so their builds match. Its Linux torch is a CUDA
build: it runs on a CPU and on NVIDIA GPUs, but not on AMD (ROCm) or Intel (XPU).
To use a mirror of the PyTorch index instead: KATAS_TORCH_INDEX=<url> $0
################################################################################

WARN
  # Drop the PyTorch index and the local labels (+cpu, +cu130...) that only it carries.
  sed -e '/^--extra-index-url/d' -e 's/==\([0-9.]*\)+[A-Za-z0-9.]*/==\1/' \
    -e "s|^-r |-r $KATAS_ROOT/|" "$requirements" >"$install_from"
fi

# Bytecode now, once: a learner's cold `import torch` is then much faster, also where
# PYTHONDONTWRITEBYTECODE keeps Python from caching it on first import.
prerelease=()
if [ "$next" = 1 ]; then
  # Unpinned torch and torchvision from the PyTorch index alone (never the default index).
  sed -i.bak -e 's/^\(torch\|torchvision\)==[^ ;]*/\1/' "$install_from" && rm -f "$install_from.bak"
  prerelease=(--prerelease=allow)
fi
"$uv" pip install --compile-bytecode --python "$VENV_PYTHON" ${prerelease[@]+"${prerelease[@]}"} -r "$install_from"
echo "$fingerprint" >"$stamp"
report || die "torch does not import in .venv: scripts/doctor.sh says what to fix"
