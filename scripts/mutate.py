"""The mutation check for maintainers: how many small changes to a kata's reference solution its
tests notice.

Each mutant changes one thing inside a solution region (between `# BEGIN SOLUTION` and
`# END SOLUTION`) of the kata's .meta/solution.py, with Python's `ast`: an arithmetic or
comparison operator swapped, a constant changed (0 <-> 1, n -> n + 1, True <-> False), a dim or
axis argument moved, keepdim flipped, a `torch.no_grad()` / `torch.inference_mode()` block run
with autograd on, a `.detach()` / `.clone()` removed, a statement deleted. The kata's tests run
on every mutant, each in a fork of a process that keeps torch imported (as the check runs
them). A mutant is killed when some test fails (or the run errors or takes too long); it
survives when every test passes.

Mutants that change nothing the kata asks a learner to get right are listed, with the reason,
in katas/NN_slug/.meta/equivalent_mutants.toml:

    [[equivalent]]
    id = "train_one_epoch: `len(targets)` -> `len(targets) + 1` #2"
    reason = "..."

The score leaves them out; a survivor not listed there is reported as new. Exit status 1 when
a kata scores below --threshold (default 90%), or with --strict has a new survivor; else 0.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import signal
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from engine.discovery import ROOT, Kata, discover, resolve
from engine.stubs import BEGIN, END

EQUIVALENT_FILE = "equivalent_mutants.toml"

ARITHMETIC = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
}
COMPARISON = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}
DIM_KEYWORDS = {"dim", "axis", "dims", "start_dim", "end_dim", "dim0", "dim1"}
DIM_METHODS = {
    "sum", "mean", "max", "min", "argmax", "argmin", "softmax", "log_softmax", "cumsum",
    "prod", "std", "var", "norm", "unsqueeze", "squeeze", "flatten", "gather", "scatter",
    "scatter_", "index_select", "index_add_", "cat", "stack", "split", "chunk", "logsumexp",
    "transpose", "amax", "amin", "all", "any", "topk", "sort", "argsort", "flip", "roll",
    "vector_norm", "size",
}  # fmt: skip
# Keywords whose change no correct input can show: zip(strict=...) on equal lengths.
UNCHECKED_KEYWORDS = {"strict"}
NO_GRAD = {"no_grad", "inference_mode", "enable_grad"}
IDENTITY_METHODS = {"detach", "clone", "detach_", "contiguous", "item", "float", "tolist"}


@dataclass
class Mutant:
    id: str
    line: int
    description: str
    source: str = ""
    status: str = ""  # killed, survived, timeout, equivalent
    seconds: float = 0.0


def solution_lines(source: str) -> set[int]:
    """The 1-based line numbers inside solution regions (markers excluded)."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), 1):
        if BEGIN.match(line):
            inside = True
        elif END.match(line):
            inside = False
        elif inside:
            lines.add(number)
    return lines


def _function_of(tree: ast.Module) -> dict[int, str]:
    """Each line's innermost enclosing function (Class.method for methods)."""
    owner: dict[int, str] = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                for line in range(child.lineno, (child.end_lineno or child.lineno) + 1):
                    owner[line] = name
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return owner


def _short(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _constant_changes(value) -> list:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [1] if value == 0 else [0, value + 1] if value == 1 else [value + 1]
    if isinstance(value, float):
        return [1.0] if value == 0.0 else [0.0, value + 1.0] if value == 1.0 else [value * 2]
    return []


def _mutations(node: ast.AST, parent: ast.AST | None):
    """(description, function that changes a copy of node in place) for each mutation."""
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        new = ARITHMETIC[type(node.op)]
        out.append(
            (f"{type(node.op).__name__} -> {new.__name__}", lambda n, t=new: setattr(n, "op", t()))
        )
    elif isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
        new = ARITHMETIC[type(node.op)]
        out.append(
            (
                f"{type(node.op).__name__}= -> {new.__name__}=",
                lambda n, t=new: setattr(n, "op", t()),
            )
        )
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARISON:
                new = COMPARISON[type(op)]

                def swap(n, i=i, t=new):
                    n.ops[i] = t()

                out.append((f"{type(op).__name__} -> {new.__name__}", swap))
    elif isinstance(node, ast.BoolOp):
        new = BOOLEAN[type(node.op)]
        out.append(
            (f"{type(node.op).__name__} -> {new.__name__}", lambda n, t=new: setattr(n, "op", t()))
        )
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append((f"drop {type(node.op).__name__}", "unwrap"))
    elif isinstance(node, ast.Constant) and not isinstance(parent, ast.keyword):
        for value in _constant_changes(node.value):
            out.append((f"{node.value!r} -> {value!r}", lambda n, v=value: setattr(n, "value", v)))
    elif isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):
        value = node.value.value
        if node.arg == "keepdim" and isinstance(value, bool):
            out.append(
                (
                    f"keepdim={value} -> {not value}",
                    lambda n, v=not value: setattr(n.value, "value", v),
                )
            )
        elif node.arg in DIM_KEYWORDS and isinstance(value, int) and not isinstance(value, bool):
            new = value - 1 if value < 0 else value + 1
            out.append(
                (f"{node.arg}={value} -> {new}", lambda n, v=new: setattr(n.value, "value", v))
            )
        elif node.arg not in UNCHECKED_KEYWORDS:
            for new in _constant_changes(value):
                out.append(
                    (
                        f"{node.arg}={value!r} -> {new!r}",
                        lambda n, v=new: setattr(n.value, "value", v),
                    )
                )
    elif isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(func, ast.Attribute) and name in IDENTITY_METHODS and not node.args:
            out.append((f"drop .{name}()", "receiver"))
        if name in DIM_METHODS and node.args:
            for i, arg in enumerate(node.args):
                if isinstance(arg, ast.Constant) and type(arg.value) is int:
                    new = arg.value - 1 if arg.value < 0 else arg.value + 1

                    def move(n, i=i, v=new):
                        n.args[i] = ast.Constant(v)

                    out.append((f"{name} dim argument {arg.value} -> {new}", move))
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for i, item in enumerate(node.items):
            expr = item.context_expr
            called = expr.func if isinstance(expr, ast.Call) else expr
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in NO_GRAD:

                def nullify(n, i=i):
                    n.items[i].context_expr = ast.parse(
                        "__import__('contextlib').nullcontext()", mode="eval"
                    ).body

                out.append((f"without {name}()", nullify))
    if (
        isinstance(node, ast.stmt)
        and not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Return, ast.Pass, ast.Raise))
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ):
        out.append(("delete statement", "delete"))
    return out


def generate(kata: Kata) -> list[Mutant]:
    """Every mutant of the kata's solution regions, with a stable id (function, what changed,
    occurrence) that survives edits elsewhere in the file."""
    source = kata.solution.read_text()
    tree = ast.parse(source)
    lines = solution_lines(source)
    owner = _function_of(tree)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    nodes = list(ast.walk(tree))
    mutants, seen = [], {}
    for index, node in enumerate(nodes):
        line = getattr(node, "lineno", None)
        if line is None or line not in lines:
            continue
        for description, change in _mutations(node, parents.get(node)):
            mutated = copy.deepcopy(tree)
            target = list(ast.walk(mutated))[index]
            if not _apply(mutated, target, change):
                continue
            where = owner.get(line, "<module>")
            key = f"{where}: `{_short(node)}` {description}"
            seen[key] = seen.get(key, 0) + 1
            ident = key if seen[key] == 1 else f"{key} #{seen[key]}"
            try:
                text = ast.unparse(ast.fix_missing_locations(mutated))
            except Exception:  # a mutation that cannot be written back: not a mutant
                continue
            mutants.append(Mutant(ident, line, description, text))
    return sorted(mutants, key=lambda m: m.line)


def _apply(tree: ast.Module, target: ast.AST, change) -> bool:
    if callable(change):
        change(target)
        return True
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list) and target in value:
                position = value.index(target)
                if change == "delete":
                    value[position] = ast.Pass()
                    return True
                replacement = _replacement(target, change)
                if replacement is None:
                    return False
                value[position] = replacement
                return True
            if value is target:
                replacement = _replacement(target, change)
                if replacement is None:
                    return False
                setattr(parent, field, replacement)
                return True
    return False


def _replacement(target, change):
    if change == "unwrap":
        return target.operand
    if change == "receiver":
        return target.func.value
    return None


def equivalents(kata: Kata) -> dict[str, str]:
    path = kata.path / ".meta" / EQUIVALENT_FILE
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text())
    return {entry["id"]: entry.get("reason", "") for entry in data.get("equivalent", [])}


# --- running ---------------------------------------------------------------------------------


def _run_child(kata: Kata, mutant: Mutant, result_file: str) -> None:
    """In the forked child: the mutant becomes the kata's module, then the kata's tests run as
    the check runs them (engine.running._child)."""
    from engine import running
    from engine.impls import _module_from_source

    code = 70
    try:
        os.setpgid(0, 0)
        os.environ["KATAS_THREADS"] = "1"
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        _module_from_source(kata.slug, mutant.source, kata.solution)
        code = running._child([kata.rel], ["-x", "-q"], None, result_file)
    except BaseException:
        code = 71
    finally:
        os._exit(code)


def run_mutants(kata: Kata, mutants: list[Mutant], workers: int, timeout: float) -> None:
    from engine.running import Run

    with tempfile.TemporaryDirectory(prefix="kata-mutants-") as tmp:
        queue = list(enumerate(mutants))
        running: dict[int, tuple[int, Mutant, float, Path]] = {}
        while queue or running:
            while queue and len(running) < workers:
                index, mutant = queue.pop(0)
                folder = Path(tmp, str(index))
                folder.mkdir()
                result = folder / "result.json"
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _run_child(kata, mutant, str(result))
                running[pid] = (index, mutant, time.monotonic(), result)
            time.sleep(0.01)
            for pid, (_, mutant, started, result) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                elapsed = time.monotonic() - started
                if not done and elapsed > timeout:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    mutant.status, mutant.seconds = "timeout", elapsed
                    del running[pid]
                elif done:
                    mutant.seconds = elapsed
                    mutant.status = "killed"
                    if os.waitstatus_to_exitcode(status) == 0 and result.is_file():
                        run = Run.from_json(json.loads(result.read_text()))
                        clean = not run.errors and not run.tampering
                        if clean and run.count("failed") == 0 and run.count("passed") > 0:
                            mutant.status = "survived"
                    del running[pid]


def baseline_seconds(kata: Kata) -> float:
    """How long the kata's tests take on the solution itself (which must pass)."""
    from engine.running import run_pytest

    started = time.monotonic()
    run = run_pytest([kata.rel], impl=f"{kata.name}=solution")
    if run.count("failed") or run.errors or run.exit_code != 0:
        raise SystemExit(f"{kata.name}: the reference solution does not pass its tests")
    return time.monotonic() - started


@dataclass
class Report:
    kata: str
    mutants: int
    killed: int
    equivalent: int
    score: float  # killed / (mutants - equivalent)
    survivors: list[dict]
    new_survivors: list[str]
    stale_equivalents: list[str]  # listed as equivalent but killed, or no longer generated
    statuses: dict[str, str]  # every mutant run: killed, timeout, survived or equivalent
    seconds: float


def mutate_kata(kata: Kata, budget: int | None, workers: int, only: list[str] = ()) -> Report:
    started = time.monotonic()
    mutants = [m for m in generate(kata) if not only or any(o in m.id for o in only)]
    known = equivalents(kata)
    if budget is not None and len(mutants) > budget:
        # an even spread over the file, the same selection every run
        step = len(mutants) / budget
        mutants = [mutants[int(i * step)] for i in range(budget)]
    timeout = max(20.0, 5 * baseline_seconds(kata))
    run_mutants(kata, mutants, workers, timeout)
    equivalent = [m for m in mutants if m.status == "survived" and m.id in known]
    for m in equivalent:
        m.status = "equivalent"
    survivors = [m for m in mutants if m.status == "survived"]
    killed = sum(m.status in ("killed", "timeout") for m in mutants)
    scored = len(mutants) - len(equivalent)
    generated = {m.id for m in generate(kata)}
    stale = sorted(
        i for i in known
        if i not in generated or any(m.id == i and m.status in ("killed", "timeout") for m in mutants)
    )  # fmt: skip
    return Report(
        kata=kata.name,
        mutants=len(mutants),
        killed=killed,
        equivalent=len(equivalent),
        score=killed / scored if scored else 1.0,
        survivors=[
            {
                "id": m.id,
                "line": m.line,
                "known": m.status == "equivalent",
                "reason": known.get(m.id, ""),
            }
            for m in equivalent + survivors
        ],
        new_survivors=[m.id for m in survivors],
        stale_equivalents=stale,
        statuses={m.id: m.status for m in mutants},
        seconds=round(time.monotonic() - started, 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/mutate.sh",
        description="Mutation check: mutate the solution regions of each kata's .meta/solution.py "
        "and report how many mutants its tests kill, and which survive.",
    )
    parser.add_argument(
        "--kata", action="append", default=[], help="a kata (number, folder or slug); repeatable; "
        "default: every kata"
    )  # fmt: skip
    parser.add_argument("--budget", type=int, help="at most N mutants per kata (an even spread)")
    parser.add_argument("--json", type=Path, help="write the reports to FILE as JSON")
    parser.add_argument(
        "--threshold", type=float, default=0.9, help="the lowest passing score (default 0.9)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="mutants run at once"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--only", action="append", default=[], metavar="TEXT",
        help="run only the mutants whose id contains TEXT; repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--strict", action="store_true", help="fail on any new survivor, not only a low score"
    )
    args = parser.parse_args(argv)
    if not hasattr(os, "fork"):
        parser.error("the mutation check forks: it runs on Linux and macOS only")

    katas = discover()
    chosen = [resolve(name, katas) for name in args.kata] if args.kata else katas
    if args.list:
        for kata in chosen:
            for mutant in generate(kata):
                if args.only and not any(o in mutant.id for o in args.only):
                    continue
                print(f"{kata.name}:{mutant.line}: {mutant.id}")
        return 0

    from engine.running import uses_torchvision, warm_up

    os.chdir(ROOT)
    warm_up(vision=any(uses_torchvision(k) for k in chosen))
    reports, failing = [], []
    for kata in chosen:
        report = mutate_kata(kata, args.budget, max(1, args.workers), args.only)
        reports.append(report)
        scored = report.mutants - report.equivalent
        print(
            f"{kata.name}: {report.score:.1%} of {scored} mutants killed "
            f"({report.equivalent} known equivalent, {report.seconds:.0f} s)",
            flush=True,
        )
        for survivor in report.survivors:
            if not survivor["known"]:
                print(f"  new survivor, line {survivor['line']}: {survivor['id']}")
        for stale in report.stale_equivalents:
            print(f"  listed as equivalent but killed or gone: {stale}")
        if report.score < args.threshold or (args.strict and report.new_survivors):
            failing.append(kata.name)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=2) + "\n")
    if failing:
        print(
            f"\n{len(failing)} kata(s) below {args.threshold:.0%}"
            f"{' or with new survivors' if args.strict else ''}: "
            f"{', '.join(failing)}. Strengthen the tests, or list a mutant that changes nothing "
            f"the kata asks for in .meta/{EQUIVALENT_FILE} with the reason."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
