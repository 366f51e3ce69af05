#!/usr/bin/env bash
# Restores katas to their stub; the learner's file is saved first. Needs neither torch nor .venv.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
KATAS_PROG=scripts/reset.sh exec "$(system_python)" "$KATAS_ROOT/scripts/engine.py" reset "$@"
