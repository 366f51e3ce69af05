"""Test-side helpers for the distributed katas (60 ddp_on_cpu, 61 sharded_optimizer_state,
63 fsdp_and_torchrun): run a test's worker in N spawned processes that share a process group,
or launch a learner's script with torchrun, so that a failure reads like any other test's.

- `run_ranks(worker, *args, world_size=2)`: starts `world_size` processes (torch.multiprocessing,
  spawn context), each joins a gloo (or NCCL) process group on 127.0.0.1 through a TCPStore
  whose port the OS chose (port 0: two concurrent runs cannot collide), calls
  `worker(rank, world_size, *args)` and sends back what it returned. The ranks stay up for the
  next call from the same test file (importing torch is most of the cost). Every spawn,
  rendezvous and collective has a timeout; when a rank raises, hangs or dies, every rank is
  killed at once and the test fails with that rank's traceback (the learner's code), not a
  hang; the next call starts fresh ranks. `close_ranks()` (also run at exit) stops them; a rank
  whose test process is gone exits on its own.
- `run_torchrun(kata_module, *args, nproc_per_node=2)`: `python -m torch.distributed.run
  --standalone` with this file as the script: each rank loads the kata's implementation and
  calls its `main(args)`. torchrun runs in its own process group, killed whole on timeout; a
  rank's exception fails the test with that rank's traceback.

A spawned child does not run katas/conftest.py, so it installs the implementation the parent
test sees itself: KATA_IMPL (the check's solution, stub or mistake) through scripts/engine.py,
exactly as conftest does, else the module file the parent imported. The worker must be a
module-level function of the test file; the child imports that file by its path.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import importlib.util
import io
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
from multiprocessing.connection import wait
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]

# Seconds. Starting Python and importing torch takes a few seconds on a loaded machine; a
# collective that one rank never joins fails after COLLECTIVE_TIMEOUT instead of hanging.
RENDEZVOUS_TIMEOUT = 60
COLLECTIVE_TIMEOUT = 20
RUN_TIMEOUT = 120


class RankFailed(AssertionError):
    """A spawned rank raised, hung or died; the message holds what the learner needs to see."""


def run_ranks(
    worker,
    *args,
    world_size: int = 2,
    backend: str = "gloo",
    timeout: float = RUN_TIMEOUT,
) -> list:
    """Run `worker(rank, world_size, *args)` on each of `world_size` spawned ranks that share a
    process group; return what each rank returned (tensors, numbers, lists, dicts: anything
    torch.save writes), indexed by rank. `worker` is a module-level function of the test file;
    `args` must be picklable.

    The ranks are started on the first call and kept for the next calls of the same test file
    (starting Python and importing torch is most of the cost); after any failure they are
    killed, and the next call starts fresh ones.
    """
    global _group
    key = (worker.__module__, world_size, backend)
    if _group is not None and _group.key != key:
        _group.close()
        _group = None
    if _group is None:
        _group = _Ranks(key, worker)
    group = _group
    try:
        return group.run(worker.__name__, args, timeout)
    except BaseException:
        group.close()
        _group = None
        raise


def close_ranks() -> None:
    """Stop the ranks run_ranks keeps (also done at exit, and when a rank failed)."""
    global _group
    if _group is not None:
        _group.close()
        _group = None


_group = None
atexit.register(close_ranks)


class _Ranks:
    """world_size spawned processes in one process group, each waiting for work on a pipe."""

    def __init__(self, key, worker) -> None:
        test_module, world_size, backend = key
        self.key = key
        self.world_size = world_size
        kata = _kata_module_of(test_module)
        self.slug = kata.__name__ if kata else None
        # The OS picks a free port; this store holds it until the ranks are closed.
        self.store = torch.distributed.TCPStore(
            "127.0.0.1",
            0,
            world_size,
            is_master=True,
            wait_for_workers=False,
            timeout=datetime.timedelta(seconds=RENDEZVOUS_TIMEOUT),
        )
        spec = {
            "slug": kata.__name__ if kata else None,
            "slug_file": getattr(kata, "__file__", None),
            "test_module": test_module,
            "test_file": sys.modules[test_module].__file__,
            "port": self.store.port,
            "backend": backend,
            "sys_path": sys.path,
        }
        context = torch.multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        try:
            for rank in range(world_size):
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_rank_main, args=(rank, world_size, spec, theirs), daemon=True
                )
                process.start()
                theirs.close()
                self.pipes.append(ours)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise

    def run(self, worker: str, args: tuple, timeout: float) -> list:
        task = pickle.dumps((worker, args))
        for pipe in self.pipes:
            pipe.send_bytes(task)
        replies = self._replies(worker, timeout)
        errors = [(rank, payload) for rank, (ok, payload) in replies.items() if not ok]
        if errors:
            (text, not_implemented), others = errors[0][1], [r for r, _ in errors[1:]]
            text += f"\n(rank {', '.join(map(str, others))} failed too)" if others else ""
            if not_implemented:
                _raise_not_implemented(self.slug, text, *not_implemented)
            raise RankFailed(text)
        return [
            torch.load(io.BytesIO(replies[r][1]), weights_only=False)
            for r in range(self.world_size)
        ]

    def _replies(self, worker: str, timeout: float) -> dict:
        """Each rank's (ok, payload), in the order they came; stops at the first error."""
        # A deadline, not a measurement: no test grades anything by time.
        deadline = time.monotonic() + timeout
        replies: dict = {}
        waiting = dict(enumerate(self.pipes))
        while waiting:
            left = deadline - time.monotonic()
            ready = wait(
                [*waiting.values(), *(self.processes[r].sentinel for r in waiting)],
                timeout=max(left, 0),
            )
            if not ready:
                stuck = sorted(waiting)
                raise RankFailed(
                    f"{worker}: rank {', '.join(map(str, stuck))} did not finish within "
                    f"{timeout:g} s and was stopped. A collective (all_reduce, broadcast, ...) "
                    f"that one rank calls and another does not waits forever: every rank must "
                    f"make the same collective calls, in the same order, with tensors of the "
                    f"same shape."
                )
            for rank, pipe in list(waiting.items()):
                if pipe in ready or self.processes[rank].sentinel in ready:
                    try:
                        replies[rank] = pickle.loads(pipe.recv_bytes())
                    except (EOFError, OSError):
                        self.processes[rank].join(5)
                        code = self.processes[rank].exitcode
                        replies[rank] = (
                            False,
                            (
                                f"{worker}: rank {rank} of {self.world_size} died (exit code "
                                f"{code}) before it could report an error: a crash, os._exit, "
                                f"or out of memory.",
                                None,
                            ),
                        )
                    del waiting[rank]
            if any(not ok for ok, _ in replies.values()):
                break  # a rank waiting on the failed one would only time out
        return replies

    def close(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send_bytes(pickle.dumps(None))
        for process in self.processes:
            process.join(2)
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join(10)
        for pipe in self.pipes:
            pipe.close()
        self.pipes, self.processes = [], []


def _kata_module_of(test_module: str):
    """The kata's module the test file imported (its slug is the test file's name less test_)."""
    return sys.modules.get(test_module.removeprefix("test_"))


# --- inside a spawned rank ---------------------------------------------------------------------


def _rank_main(rank: int, world_size: int, spec: dict, pipe) -> None:
    """The spawned process: the kata's implementation, the process group, then each task."""
    sys.path[:0] = [p for p in spec["sys_path"] if p not in sys.path]
    _use_loopback_for_gloo()
    torch.set_num_threads(1)
    module, worker = None, "setup"
    try:
        module = _install_kata_module(spec)
        test_module = _import_file(spec["test_module"], spec["test_file"])
        store = torch.distributed.TCPStore(
            "127.0.0.1",
            spec["port"],
            world_size,
            is_master=False,
            timeout=datetime.timedelta(seconds=RENDEZVOUS_TIMEOUT),
        )
        options = {}
        if spec["backend"] == "nccl":
            torch.cuda.set_device(rank)
            options["device_id"] = torch.device("cuda", rank)
        torch.distributed.init_process_group(
            spec["backend"],
            store=store,
            rank=rank,
            world_size=world_size,
            timeout=datetime.timedelta(seconds=COLLECTIVE_TIMEOUT),
            **options,
        )
        while True:
            try:
                task = pickle.loads(pipe.recv_bytes())
            except EOFError:  # the test process is gone
                break
            if task is None:
                break
            worker, args = task
            torch.manual_seed(0)
            result = getattr(test_module, worker)(rank, world_size, *args)
            buffer = io.BytesIO()
            torch.save(result, buffer)
            pipe.send_bytes(pickle.dumps((True, buffer.getvalue())))
    except BaseException as error:  # every error goes back to the test
        with contextlib.suppress(OSError):
            pipe.send_bytes(
                pickle.dumps(
                    (False, _explain(error, rank, world_size, f"the test's {worker}", module))
                )
            )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)  # no teardown: a peer may be gone, and the test kills us anyway
    if torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def _use_loopback_for_gloo() -> None:
    """Gloo connects the ranks through the interface of the machine's host name unless told:
    keep it on the loopback interface (lo on Linux, lo0 on macOS)."""
    if "GLOO_SOCKET_IFNAME" in os.environ or not hasattr(socket, "if_nameindex"):
        return
    names = [name for _, name in socket.if_nameindex()]
    for name in ("lo", "lo0"):
        if name in names:
            os.environ["GLOO_SOCKET_IFNAME"] = name
            return


def _install_kata_module(spec: dict):
    """Put the parent's implementation of the kata under its slug in sys.modules."""
    slug, slug_file = spec["slug"], spec["slug_file"]
    if not slug:
        return None
    if os.environ.get("KATA_IMPL"):  # the check's swap, applied as katas/conftest.py does
        sys.path.insert(0, str(ROOT / "scripts"))
        from engine.impls import install_impl_from_env

        install_impl_from_env()
    module = sys.modules.get(slug)
    if module is None or (slug_file and getattr(module, "__file__", None) != slug_file):
        module = _import_file(slug, slug_file)
    return module


def _import_file(name: str, path: str):
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module


def _explain(error: BaseException, rank: int, world_size: int, worker: str, module) -> tuple:
    """The failure as the learner should read it: which rank, what was raised, and the
    traceback from the worker down (the harness's frames left out). A NotImplementedError
    raised in the kata's file also says which function, so the test reads as "to do"."""
    frames = traceback.extract_tb(error.__traceback__)
    here = Path(__file__).name
    frames = [f for f in frames if Path(f.filename).name != here] or frames
    where = f"(rank {rank} of {world_size}, in {worker})"
    kata_file = getattr(module, "__file__", None)
    mine = [f for f in frames if f.filename == kata_file]
    if isinstance(error, NotImplementedError) and mine:
        return (f"{error or 'see the README tasks'}\n  {where}", (mine[-1].name, mine[-1].lineno))
    # The learner's frames (and the test's), then where the error was raised inside torch.
    ours = [
        f for f in frames if "site-packages" not in f.filename and "/lib/python" not in f.filename
    ]
    shown = [*ours[-6:], frames[-1]] if frames and frames[-1] not in ours[-6:] else ours[-6:]
    text = "".join(traceback.format_list(shown or frames[-4:]))
    return (
        f"{type(error).__name__}: {error}\n  {where}\n"
        f"Traceback of the spawned process (most recent call last):\n{text.rstrip()}",
        None,
    )


def _raise_not_implemented(slug: str, message: str, function: str, line: int):
    """Raise NotImplementedError(message) from a frame named `function` at `line` of the
    learner's file, as if the test had called it here: katas/conftest.py then reports it as
    "To do: implement `function`", and grading counts the test as to do, not wrong."""
    stub = ROOT / "katas" / next(ROOT.glob(f"katas/[0-9][0-9]_{slug}")).name / f"{slug}.py"
    source = "\n" * (line - 1) + f"def {function}(error):\n    raise error\n"
    namespace: dict = {}
    exec(compile(source, str(stub), "exec"), namespace)
    namespace[function](NotImplementedError(message))


# --- torchrun --------------------------------------------------------------------------------


def run_torchrun(
    kata_module,
    *args,
    nproc_per_node: int = 2,
    timeout: float = RUN_TIMEOUT,
) -> str:
    """Launch the kata's script with torchrun, `python -m torch.distributed.run --standalone
    --nproc-per-node N` (a free port on localhost; RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and
    MASTER_PORT in each rank's environment), each rank calling `kata_module.main(args)`: the
    implementation the test sees, loaded in each rank as the spawned ranks of run_ranks do.
    Returns the output. A rank that raises fails the test with its traceback (a
    NotImplementedError reads as "to do"); after `timeout` seconds the whole process group is
    killed and the test fails with the output."""
    with tempfile.TemporaryDirectory(prefix="kata-torchrun-") as errors:
        command = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            str(nproc_per_node),
            "--max-restarts",
            "0",
            __file__,
            kata_module.__name__,
            kata_module.__file__,
            "--",
            *map(str, args),
        ]
        environment = {
            **os.environ,
            "OMP_NUM_THREADS": "1",
            "KATA_RANK_ERRORS": errors,
            "KATA_TEST_PID": str(os.getpid()),
            "KATA_RANK_TIMEOUT": str(timeout),
        }
        environment["PYTHONPATH"] = os.pathsep.join(
            [p for p in sys.path if p] + [environment.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        _use_loopback_for_gloo()
        if "GLOO_SOCKET_IFNAME" in os.environ:
            environment["GLOO_SOCKET_IFNAME"] = os.environ["GLOO_SOCKET_IFNAME"]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            start_new_session=True,  # its own process group: every rank can be killed at once
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            output, _ = process.communicate()
            raise RankFailed(
                f"torchrun did not finish within {timeout:g} s and was killed: a collective "
                f"that one rank never joins, or a loop that never ends? Output:\n{_tail(output)}"
            ) from None
        finally:
            _kill_group(process)  # ranks torchrun left behind, if any
        failed = sorted(Path(errors).glob("rank*.err"), key=lambda f: f.stat().st_mtime_ns)
        if failed:
            text, not_implemented = pickle.loads(failed[0].read_bytes())
            if not_implemented:
                _raise_not_implemented(kata_module.__name__, text, *not_implemented)
            raise RankFailed(text)
        if process.returncode != 0:
            raise RankFailed(
                f"torchrun exited with code {process.returncode}. Output of the ranks:\n"
                f"{_tail(output)}"
            )
        return output


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(output: str, lines: int = 40) -> str:
    return "\n".join(output.splitlines()[-lines:])


def _torchrun_rank(slug: str, slug_file: str, args: list[str]) -> None:
    """One rank started by torchrun (this file is its script): load the implementation the
    test sees, run its main(args), report an exception to the test, and leave at once."""
    _use_loopback_for_gloo()
    _exit_with_the_test(int(os.environ["KATA_TEST_PID"]), float(os.environ["KATA_RANK_TIMEOUT"]))
    rank = int(os.environ.get("RANK", "0"))
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    module = None
    try:
        module = _install_kata_module({"slug": slug, "slug_file": slug_file})
        # Run main with the module's own names, as when the file runs as a script: a mistake
        # file (`from solution import *`) redefines some functions, and main must call those.
        main = types.FunctionType(
            module.main.__code__, vars(module), "main", module.main.__defaults__
        )
        main(args)
    except BaseException as error:  # every error goes back to the test
        explained = _explain(error, rank, world_size, f"{slug}.main under torchrun", module)
        Path(os.environ["KATA_RANK_ERRORS"], f"rank{rank}.err").write_bytes(pickle.dumps(explained))
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown: gloo's threads can abort the process while it runs.
    os._exit(0)


def _exit_with_the_test(test_pid: int, timeout: float) -> None:
    """A rank started by torchrun is not the test's child: if the test process is killed (a
    timeout of the runner, Ctrl-C twice), nothing would stop a rank stuck in a collective.
    This thread ends the rank when the test process is gone, or after the test's timeout."""

    def watch() -> None:
        for _ in range(int(timeout) + 10):
            time.sleep(1)
            try:
                os.kill(test_pid, 0)
            except ProcessLookupError:
                break
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    _torchrun_rank(sys.argv[1], sys.argv[2], sys.argv[4:])
