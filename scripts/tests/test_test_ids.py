"""Every parametrized test of katas 01-40 has a readable id: a learner reads
`test_x[float64-shape (2, 3)]`, not `test_x[dtype0-shape1]` or `test_x[<lambda>]`. Give one with
pytest.param(..., id="...") or ids=[...]."""

import os
import subprocess
import sys
from pathlib import Path

from engine import discovery

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [k for k in discovery.discover() if k.number <= 40]


def test_every_parametrized_test_has_a_readable_id():
    env = {**os.environ, "KATA_IMPL": "*=solution", "PYTHONPATH": str(Path(__file__).parent)}
    env.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run(
        [
            sys.executable,
            *("-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"),
            *("-p", "param_ids_plugin"),
            *(k.rel for k in CHECKED),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"collection failed:\n{result.stdout[-4000:]}{result.stderr}"
    unnamed = [line for line in result.stdout.splitlines() if "UNNAMED-ID(" in line]
    assert not unnamed, (
        f"{len(unnamed)} parametrized tests have ids that pytest made up from the argument's "
        f"name and position (UNNAMED-ID(argname) below): give each a readable one with "
        f"pytest.param(..., id='...') or ids=[...]\n  " + "\n  ".join(unnamed)
    )
