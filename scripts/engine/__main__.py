"""`python3 scripts/engine COMMAND`: the maintainers' entry point (the learner's is scripts/*.sh)."""

import sys
from pathlib import Path

# Run as a folder, Python puts the folder itself first on sys.path; the package's parent belongs
# there instead, so that `engine` imports as a package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from engine.cli import main  # noqa: E402

sys.exit(main())
