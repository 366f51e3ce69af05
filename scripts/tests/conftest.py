import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from learner import make_repo


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository with kata 01 only, its manifest made for it."""
    return make_repo(tmp_path)
