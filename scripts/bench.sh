#!/usr/bin/env bash
# Times setup, one kata cold, watch's save-to-result, the whole check and the slowest katas,
# each next to the floor `python -c "import torch"` measured in the same run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
python=$VENV_PYTHON
case " $* " in *" -h "* | *" --help "*) python=$(system_python) ;; *) ensure_venv "" ;; esac
exec "$python" "$KATAS_ROOT/scripts/bench.py" "$@"
