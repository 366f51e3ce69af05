"""Kata 55: streams and events.

Fill in every function below; `katas/55_streams_and_events/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/55_streams_and_events
"""

import time
from collections.abc import Callable, Iterable, Iterator

import torch


def time_ms(
    fn: Callable[[], object],
    device: str | torch.device,
    warmup: int = 2,
    repeats: int = 10,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Task 1. The average time of one call of fn(), in milliseconds, warm-up calls excluded.

    Calls fn() `warmup` times untimed, then `repeats` times timed.
    On an accelerator (device "cuda", ...): the device's own clock, through two timing events
    (torch.Event(device=..., enable_timing=True)) recorded on the current stream around the timed
    calls; waits for the end event before reading them, and returns with all of fn's work done.
    On the CPU: `clock()` (seconds, like time.perf_counter) read just before the first timed call
    and just after the last.
    """
    raise NotImplementedError(
        "Task 1: warm up, then bracket only the timed calls with the right clock"
    )


def run_on_side_stream(fn: Callable, x: torch.Tensor, side, main):
    """Task 2. fn(x) queued on the stream `side` instead of `main`, safely.

    main: the stream that produced x and will use the result (usually the current stream).
    The side stream starts only after everything queued on `main` so far (x is ready), fn runs
    with `side` as the current stream, and work queued on `main` afterwards waits for `side`
    (the result is ready before anyone on `main` reads it). Returns fn(x).
    """
    raise NotImplementedError("Task 2: side waits for main, fn runs on side, main waits for side")


def prefetch(
    batches: Iterable[torch.Tensor], device: str | torch.device, copy_stream, compute_stream
) -> Iterator[torch.Tensor]:
    """Task 3. Yields each batch moved to `device`, copying the next one on `copy_stream` while
    the caller computes on the current one (on `compute_stream`).

    Each copy is non-blocking and queued on `copy_stream`. Before a batch is yielded:
    `compute_stream` waits for the copies queued so far (so the batch is complete), the batch is
    marked as used by `compute_stream` (record_stream: it was allocated on `copy_stream`), and
    then the copy of the next batch is queued, so that it overlaps with the caller's compute.
    """
    raise NotImplementedError("Task 3: wait, record, queue the next copy, then hand the batch over")
