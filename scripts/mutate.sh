#!/usr/bin/env bash
# The mutation check for maintainers: how many small changes to each kata's reference solution
# its tests notice, and which changes survive. `scripts/mutate.sh --help` lists the options.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
python=$VENV_PYTHON
case " $* " in *" -h "* | *" --help "*) python=$(system_python) ;; *) ensure_venv "" ;; esac
exec "$python" "$KATAS_ROOT/scripts/mutate.py" "$@"
