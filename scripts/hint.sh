#!/usr/bin/env bash
# The next hint for a kata's task, one rung of its ladder at a time. Needs neither torch nor .venv.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine_stdlib hint "$@"
