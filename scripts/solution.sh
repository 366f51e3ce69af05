#!/usr/bin/env bash
# Shows a kata's reference solution as a diff against your file, once the kata passes.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine solution "$@"
