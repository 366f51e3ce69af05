#!/usr/bin/env bash
# Checks the environment the katas run in, with a one-line fix for each problem; exit 1 if any.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
engine_stdlib doctor "$@"
