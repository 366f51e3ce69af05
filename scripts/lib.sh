# shellcheck shell=bash
# Shared by the scripts in this folder: where the repository is and how to reach its venv.
# Sourced, never run.

KATAS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_PYTHON="$KATAS_ROOT/.venv/bin/python"

die() {
  printf 'error: %s\n' "$1" >&2
  exit "${2:-1}"
}

# The interpreter the venv is made from: python3 where it is 3.11 or newer.
system_python() {
  local py
  for py in "${KATAS_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  die "Python 3.11 or newer is needed (set KATAS_PYTHON to its path)."
}

venv_runs() {
  "$VENV_PYTHON" -c '' >/dev/null 2>&1
}

# Make .venv when it is missing or broken, with the given vendor (auto-detected when empty).
ensure_venv() {
  if ! venv_runs; then
    printf '.venv is missing or does not run here: running scripts/setup.sh first.\n' >&2
    "$KATAS_ROOT/scripts/setup.sh" ${1:+--vendor "$1"} >&2
  fi
}

# Run an engine command as scripts/COMMAND.sh offers it, in .venv (made first when missing)
# because it runs the tests; --help needs no venv.
engine() {
  local command=$1 arg
  shift
  for arg in "$@"; do
    case "$arg" in -h | --help) engine_stdlib "$command" "$@" ;; esac
  done
  ensure_venv ""
  KATAS_PROG="scripts/$command.sh" exec "$VENV_PYTHON" "$KATAS_ROOT/scripts/engine" "$command" "$@"
}

# Run an engine command that needs the standard library only (no .venv, no torch).
engine_stdlib() {
  local command=$1
  shift
  KATAS_PROG="scripts/$command.sh" exec "$(system_python)" "$KATAS_ROOT/scripts/engine" "$command" "$@"
}
