#!/usr/bin/env bash
# The maintainers' suite: lint, the scripts' own tests, every kata both ways, configs valid.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<USAGE
usage: scripts/check.sh [--kata KATA]... [--mutate] [--gpu] [-- PYTEST_ARGS...]

Runs, in order: ruff (check and format), shellcheck, pre-commit on every file, then one pytest
run (in parallel) of the scripts' own tests and of every kata both ways: the reference solution
passes, the untouched stub fails every test that runs, each .meta/mistakes/ file fails some
test, the committed stub equals the generated one, and configs and workflows are valid.
Bootstraps .venv (cpu) when it is missing. Ends with pytest's summary line.

  --kata KATA   check only this kata (number, folder or slug), lint included; repeatable
  --mutate      with --kata: also the mutation check of those katas (scripts/mutate.sh), which
                fails when a kata's tests kill fewer than 90% of its non-equivalent mutants
  --gpu         the GPU suite instead: every accelerator-marked test against the reference
                solutions, with --require-gpu (fails where torch sees no accelerator), one worker
USAGE
}

only=() gpu=0 mutate=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kata) [ $# -ge 2 ] || die "--kata needs a kata name" 2; only+=("$2"); shift 2 ;;
    --gpu) gpu=1; shift ;;
    --mutate) mutate=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; die "unknown argument '$1'" 2 ;;
  esac
done

ensure_venv cpu
cd "$KATAS_ROOT"
bin=.venv/bin
step() { printf '\n== %s\n' "$1"; }

if [ "$gpu" = 1 ]; then
  step "pytest: accelerator tests of every kata against the reference solutions"
  KATA_IMPL='*=solution' exec "$VENV_PYTHON" -m pytest katas -p no:xdist --require-gpu \
    -m "gpu or cuda or rocm or mps or xpu" "$@"
fi

if [ ${#only[@]} -gt 0 ]; then
  folders=()
  for name in "${only[@]}"; do
    folders+=("katas/$("$VENV_PYTHON" scripts/engine which "$name")")
  done
  step "ruff: ${folders[*]}"
  "$bin/ruff" check "${folders[@]}"
  "$bin/ruff" format --check "${folders[@]}"
  if [ "$mutate" = 1 ]; then
    step "mutation check: ${only[*]}"
    mutate_args=()
    for name in "${only[@]}"; do mutate_args+=(--kata "$name"); done
    "$VENV_PYTHON" scripts/mutate.py "${mutate_args[@]}"
  fi
  step "pytest: ${only[*]} both ways"
  KATAS_ONLY=$(IFS=,; echo "${only[*]}") exec "$VENV_PYTHON" -m pytest scripts/tests/test_katas.py -n auto "$@"
fi

step "ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .

step "shellcheck"
shellcheck_files=(scripts/*.sh .ci/run .devcontainer/*.sh)
"$bin/shellcheck" "${shellcheck_files[@]}"

step "pre-commit run --all-files"
if git rev-parse --git-dir >/dev/null 2>&1; then
  "$bin/pre-commit" run --all-files --show-diff-on-failure
else
  echo "not a git checkout: skipped"
fi

step "pytest: the scripts' own tests and every kata both ways"
exec "$VENV_PYTHON" -m pytest scripts/tests -n auto "$@"
