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
    # BEGIN SOLUTION: Task 1: warm up, then bracket only the timed calls with the right clock
    device = torch.device(device)
    for _ in range(warmup):
        fn()
    if device.type == "cpu":
        start = clock()
        for _ in range(repeats):
            fn()
        return (clock() - start) * 1000 / repeats
    start_event = torch.Event(device=device, enable_timing=True)
    end_event = torch.Event(device=device, enable_timing=True)
    start_event.record()  # queued on the current stream, after the warm-up work
    for _ in range(repeats):
        fn()
    end_event.record()
    end_event.synchronize()  # the host waits until the device has reached the end event
    return start_event.elapsed_time(end_event) / repeats  # elapsed_time is in milliseconds
    # END SOLUTION


def run_on_side_stream(fn: Callable, x: torch.Tensor, side, main):
    """Task 2. fn(x) queued on the stream `side` instead of `main`, safely.

    main: the stream that produced x and will use the result (usually the current stream).
    The side stream starts only after everything queued on `main` so far (x is ready), fn runs
    with `side` as the current stream, and work queued on `main` afterwards waits for `side`
    (the result is ready before anyone on `main` reads it). Returns fn(x).
    """
    # BEGIN SOLUTION: Task 2: side waits for main, fn runs on side, main waits for side
    side.wait_stream(main)  # x is complete before side reads it
    with side:  # kernels queued in here go to `side`
        result = fn(x)
    main.wait_stream(side)  # later work on main sees the finished result
    return result
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 3: wait, record, queue the next copy, then hand the batch over
    batches = iter(batches)

    def copy_next():
        batch = next(batches, None)
        if batch is None:
            return None
        with copy_stream:
            return batch.to(device, non_blocking=True)

    ready = copy_next()
    while ready is not None:
        compute_stream.wait_stream(copy_stream)  # before the next copy: wait for this one only
        ready.record_stream(compute_stream)  # its memory is not reused while compute uses it
        upcoming = copy_next()  # runs on copy_stream while the caller computes on `ready`
        yield ready
        ready = upcoming
    # END SOLUTION
