#!/usr/bin/env bash
# Re-runs one kata's tests on every save, with torch kept imported between runs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine watch "$@"
