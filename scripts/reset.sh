#!/usr/bin/env bash
# Restores katas to their stub (or only their tests); the learner's file is saved first.
# Needs neither torch nor .venv.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine_stdlib reset "$@"
