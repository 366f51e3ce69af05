"""The learner's stub, generated from the reference solution: the one source of truth."""

from __future__ import annotations

import json
import re

from engine.discovery import ROOT, Kata

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::[ \t]*(?P<message>.*?))?[ \t]*$")
END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
LINE_LENGTH = 100


class StubError(ValueError):
    pass


def _quote(text: str) -> str:
    """A string literal as the formatter writes it: double quotes unless that needs escapes."""
    if '"' in text and "'" not in text:
        return "'" + text.replace("\\", "\\\\") + "'"
    return json.dumps(text, ensure_ascii=False)


def _raise_line(indent: str, message: str) -> list[str]:
    one_line = f"{indent}raise NotImplementedError({_quote(message)})"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    inner = f"{indent}    {_quote(message)}"
    if len(inner) <= LINE_LENGTH:  # the string alone on its line, as the formatter puts it
        return [f"{indent}raise NotImplementedError(", inner, f"{indent})"]
    # Longer still: implicit concatenation, which the formatter leaves alone.
    words, parts, current = message.split(" "), [], ""
    width = LINE_LENGTH - len(indent) - 6
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            parts.append(current + " ")
            current = word
        else:
            current = f"{current} {word}" if current else word
    parts.append(current)
    inner = [f"{indent}    {_quote(part)}" for part in parts]
    return [f"{indent}raise NotImplementedError(", *inner, f"{indent})"]


def generate_stub(solution: str, origin: str = "solution") -> str:
    """The learner's stub: every `# BEGIN SOLUTION: message` ... `# END SOLUTION` region of the
    solution becomes `raise NotImplementedError("message")`; a region with no message (say,
    an import only the solution needs) is dropped."""
    out: list[str] = []
    region = None  # (line number, indent, message) while inside a region
    for number, line in enumerate(solution.splitlines(), 1):
        if begin := BEGIN.match(line):
            if region:
                raise StubError(f"{origin}:{number}: BEGIN SOLUTION inside another region")
            region = (number, begin["indent"], begin["message"])
        elif END.match(line):
            if not region:
                raise StubError(f"{origin}:{number}: END SOLUTION without BEGIN SOLUTION")
            _, indent, message = region
            if message:
                out.extend(_raise_line(indent, message))
            region = None
        elif not region:
            out.append(line)
    if region:
        raise StubError(f"{origin}:{region[0]}: BEGIN SOLUTION is never closed")
    text = "\n".join(out) + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


def expected_stub(kata: Kata) -> str:
    return generate_stub(kata.solution.read_text(), kata.solution.relative_to(ROOT).as_posix())


def stub_is_untouched(kata: Kata) -> bool:
    return kata.stub.is_file() and kata.stub.read_text() == expected_stub(kata)


def without_markers(solution: str) -> str:
    """The solution as a learner would write it: the region markers' lines left out."""
    lines = solution.splitlines(keepends=True)
    return "".join(line for line in lines if not (BEGIN.match(line) or END.match(line)))
