#!/usr/bin/env bash
# The learner's progress board: every kata's status and the next one to open.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine grade "$@"
