"""Every `>>>` example in a kata README prints exactly what the README shows.

One test per kata README (its id is the kata's folder), so katas added later are covered by the
glob. The README's fenced ```python / ```pycon blocks that hold `>>>` examples run in order, as
one interpreter session would run them, with doctest's ELLIPSIS and NORMALIZE_WHITESPACE, in the
namespace a learner's session starts with: `torch`, `nn` (torch.nn) and `F`
(torch.nn.functional) imported and `torch.manual_seed(0)` called. An example imports anything
else itself. A failure shows doctest's report, with the README's line numbers. Blocks without
`>>>` (the learner's functions, which only the tests can check) are not run.
"""

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = sorted(ROOT.glob("katas/[0-9][0-9]_*/README.md"))
BLOCK = re.compile(r"```(?:python|pycon)\n(.*?)```", re.S)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def examples(readme: Path) -> list[tuple[int, str]]:
    """The README's fenced Python blocks that hold `>>>` examples, with the line (0-based)
    where each block's text starts, in order."""
    text = readme.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start(1)), m.group(1))
        for m in BLOCK.finditer(text)
        if ">>>" in m.group(1)
    ]


@pytest.mark.parametrize("readme", READMES, ids=[p.parent.name for p in READMES])
def test_readme_examples_print_what_the_readme_shows(readme):
    torch = pytest.importorskip("torch")
    blocks = examples(readme)
    if not blocks:
        pytest.skip(f"{readme.parent.name}: README has no >>> examples")
    import torch.nn.functional as F
    from torch import nn

    name = str(readme.relative_to(ROOT))
    namespace = {"torch": torch, "nn": nn, "F": F}  # shared by the blocks, as in one session
    parser = doctest.DocTestParser()
    tests = [parser.get_doctest(b, namespace, name, name, line) for line, b in blocks]
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    # The examples may change global state (default dtype, RNG, grad mode, deterministic
    # algorithms); put it back so the other tests in this worker do not see it.
    dtype, rng, grad = torch.get_default_dtype(), torch.get_rng_state(), torch.is_grad_enabled()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.manual_seed(0)
    try:
        for test in tests:
            runner.run(test, out=report.append, clear_globs=False)
    finally:
        torch.set_default_dtype(dtype)
        torch.set_rng_state(rng)
        torch.set_grad_enabled(grad)
        torch.use_deterministic_algorithms(deterministic)
        namespace.clear()
    assert not runner.failures, (
        f"{runner.failures} of {runner.tries} README examples of {readme.parent.name} print "
        f"something else:\n" + "".join(report)
    )
