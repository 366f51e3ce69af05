"""The engine's parts that need no test run: stub generation and kata names."""

import ast
import subprocess

import pytest

from engine.discovery import ROOT, UnknownKata, discover, resolve
from engine.stubs import LINE_LENGTH, StubError, generate_stub

SOLUTION = '''"""A kata."""

# BEGIN SOLUTION
import math
# END SOLUTION
import torch


def area(r: float) -> float:
    """Task 1."""
    # BEGIN SOLUTION: Task 1: pi r squared
    return math.pi * r * r
    # END SOLUTION


class Box:
    def __init__(self):
        # BEGIN SOLUTION: Task 2: keep a list
        self.items = []
        # END SOLUTION
'''


def test_stub_replaces_each_region_by_a_raise_with_its_message():
    stub = generate_stub(SOLUTION)
    assert 'raise NotImplementedError("Task 1: pi r squared")' in stub
    assert '        raise NotImplementedError("Task 2: keep a list")' in stub
    assert "math.pi" not in stub and "SOLUTION" not in stub
    ast.parse(stub)


def test_a_region_without_a_message_is_dropped():
    solution = "import torch\n# BEGIN SOLUTION\nimport math\n# END SOLUTION\n\n\ndef f():\n    # BEGIN SOLUTION: do it\n    return math.pi\n    # END SOLUTION\n"
    stub = generate_stub(solution)
    assert "import math" not in stub and "import torch" in stub
    ast.parse(stub)


@pytest.mark.parametrize(
    "words",
    [pytest.param(4, id="fits-alone-on-its-line"), pytest.param(12, id="needs-several-lines")]
    + [pytest.param(n, id=f"{n}-words") for n in (5, 6)],
)
def test_a_long_message_is_wrapped_into_valid_formatted_python(tmp_path, words):
    message = "Task 3: " + " ".join(["a rather long hint"] * words)
    stub = generate_stub(
        f"def f():\n    # BEGIN SOLUTION: {message}\n    return 1\n    # END SOLUTION\n"
    )
    assert max(len(line) for line in stub.splitlines()) <= LINE_LENGTH
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError) as raised:
        namespace["f"]()
    assert str(raised.value) == message
    (tmp_path / "stub.py").write_text(stub)
    ruff = ROOT / ".venv" / "bin" / "ruff"
    formatted = subprocess.run(
        [ruff, "format", "--check", "--line-length", "100", tmp_path / "stub.py"]
    )
    assert formatted.returncode == 0, "the generated stub must already be formatted"


@pytest.mark.parametrize(
    ("solution", "problem"),
    [
        ("# BEGIN SOLUTION: a\n# BEGIN SOLUTION: b\n# END SOLUTION\n", "inside another region"),
        ("x = 1\n# END SOLUTION\n", "without BEGIN"),
        ("def f():\n    # BEGIN SOLUTION: a\n    return 1\n", "never closed"),
    ],
)
def test_malformed_regions_are_reported_with_their_line(solution, problem):
    with pytest.raises(StubError, match=problem):
        generate_stub(solution, "k/.meta/solution.py")


def test_names_resolve_by_number_folder_or_slug():
    katas = discover()
    first = katas[0]
    for name in [
        str(first.number),
        f"{first.number:02d}",
        first.name,
        first.slug,
        f"katas/{first.name}/",
    ]:
        assert resolve(name, katas) == first


@pytest.mark.parametrize("name", ["", "0", "999", "..", "../scripts", "/etc/passwd", "katas/../x"])
def test_names_that_are_no_kata_are_refused(name):
    with pytest.raises(UnknownKata):
        resolve(name, discover())


@pytest.mark.parametrize("message", ['Task 1: call it "x"', "Task 2: it's é", "Task 3: a \\ b"])
def test_messages_are_quoted_as_the_formatter_writes_them(tmp_path, message):
    stub = generate_stub(
        f"def f():\n    # BEGIN SOLUTION: {message}\n    return 1\n    # END SOLUTION\n"
    )
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError, match="Task"):
        namespace["f"]()
    (tmp_path / "stub.py").write_text(stub)
    ruff = ROOT / ".venv" / "bin" / "ruff"
    assert subprocess.run([ruff, "format", "--check", tmp_path / "stub.py"]).returncode == 0, stub
