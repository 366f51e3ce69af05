import pytest
import torch
from streams_and_events import prefetch, run_on_side_stream, time_ms
from torch.utils._python_dispatch import TorchDispatchMode

from kata_helpers import assert_equal, assert_tensor, call

# The accelerator tests use torch.cuda, which is also how PyTorch reaches AMD GPUs (ROCm).
CUDA_LIKE = [
    pytest.param("cuda", marks=pytest.mark.cuda, id="cuda"),
    pytest.param("cuda", marks=pytest.mark.rocm, id="rocm"),
]


# A CPU stand-in for streams and events, so the ordering logic is checked without a GPU: every
# wait, stream switch, record_stream and copy is written to `log`, in the order it happens.


class FakeEvent:
    def __init__(self, world, *args, **kwargs):
        self.world, self.stream, self.upto = world, None, None

    def record(self, stream=None):
        self.stream = stream or self.world.current
        self.upto = len(self.world.log)  # waiting for it = waiting for what came before

    def wait(self, stream=None):
        (stream or self.world.current).wait_event(self)

    def synchronize(self):
        self.world.log.append(("host waits", self.stream.name, self.upto))


class FakeStream:
    def __init__(self, world, name):
        self.world, self.name = world, name

    def wait_stream(self, other):
        self.world.log.append(("wait", self.name, other.name, len(self.world.log)))

    def record_event(self, event=None):
        event = event or FakeEvent(self.world)
        event.record(self)
        return event

    def wait_event(self, event):
        self.world.log.append(("wait", self.name, event.stream.name, event.upto))

    def __enter__(self):
        self.world.stack.append(self.world.current)
        self.world.current = self
        return self

    def __exit__(self, *exc):
        self.world.current = self.world.stack.pop()

    def __repr__(self):
        return f"<stream {self.name}>"


class FakeStreams(TorchDispatchMode):
    """Makes streams `main`, `side`, `copy` and `compute`, and records copies of tensors."""

    def __init__(self, monkeypatch):
        super().__init__()
        self.log, self.stack = [], []
        self.main, self.side = FakeStream(self, "main"), FakeStream(self, "side")
        self.copy, self.compute = FakeStream(self, "copy"), FakeStream(self, "compute")
        self.current = self.main
        world = self

        def record_stream(tensor, stream):
            world.log.append(("record", tuple(tensor.shape), stream.name))

        monkeypatch.setattr(torch.Tensor, "record_stream", record_stream)
        monkeypatch.setattr(torch.cuda, "stream", lambda stream: stream)
        monkeypatch.setattr(torch.cuda, "current_stream", lambda device=None: world.current)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = func.overloadpacket.__name__
        if name in ("_to_copy", "copy_"):
            source = args[1] if name == "copy_" else args[0]
            blocking = not kwargs.get("non_blocking", len(args) > 2 and args[2])
            self.log.append(("copy", tuple(source.shape), self.current.name, blocking))
        return func(*args, **kwargs)

    def index(self, entry_kind, *fields):
        for i, entry in enumerate(self.log):
            if entry[0] == entry_kind and entry[1 : 1 + len(fields)] == fields:
                return i
        raise AssertionError(f"never happened: {entry_kind} {fields}; the log:\n{self.story()}")

    def story(self):
        return "\n".join(f"  {i:2d}. {_sentence(entry)}" for i, entry in enumerate(self.log))


def _sentence(entry) -> str:
    kind, *rest = entry
    if kind == "copy":
        size, stream, blocking = rest
        mode = "blocking" if blocking else "non_blocking"
        return f"copy of the batch of shape {size} queued on stream {stream!r} ({mode})"
    if kind == "wait":
        waiter, waited, upto = rest
        return f"stream {waiter!r} waits for stream {waited!r} (for what it had before step {upto})"
    if kind == "record":
        size, stream = rest
        return f"record_stream: the batch of shape {size} is used on stream {stream!r}"
    if kind == "got":
        return f"the caller receives the batch of shape {rest[0]}"
    if kind == "fn":
        return f"fn queued on stream {rest[0]!r}"
    return str(entry)


@pytest.fixture
def fake(monkeypatch):
    return FakeStreams(monkeypatch)


# Task 1: timing


class SlowThenFast:
    """fn for time_ms on the CPU: its first calls take 1 s (like a compilation), later ones
    10 ms, on a simulated clock, so the result is exact and no real clock is read."""

    def __init__(self, warmup):
        self.warmup, self.calls, self.now = warmup, 0, 0.0

    def __call__(self):
        self.now += 1.0 if self.calls < self.warmup else 0.010
        self.calls += 1

    def clock(self):
        return self.now


@pytest.mark.parametrize(
    ("warmup", "repeats"),
    [pytest.param(2, 10, id="2-warmup-10-repeats"), pytest.param(3, 4, id="3-warmup-4-repeats")],
)
def test_time_ms_on_the_cpu_averages_the_timed_calls_in_milliseconds(warmup, repeats):
    fn = SlowThenFast(warmup)
    result = time_ms(fn, "cpu", warmup=warmup, repeats=repeats, clock=fn.clock)
    where = f"time_ms(fn, 'cpu', warmup={warmup}, repeats={repeats}, clock=...)"
    assert_equal(fn.calls, warmup + repeats, call=f"number of calls of fn by {where}")
    assert isinstance(result, float), f"{where} returned {result!r}, expected a float"
    assert result == pytest.approx(10.0), (
        f"{where} returned {result!r}; fn's warm-up calls take 1 s each and the timed ones 10 ms "
        f"each, so the average of the timed calls is 10.0 (milliseconds)"
    )


def test_time_ms_accepts_a_torch_device_and_no_warm_up():
    fn = SlowThenFast(warmup=0)
    result = time_ms(fn, torch.device("cpu"), warmup=0, repeats=5, clock=fn.clock)
    assert result == pytest.approx(10.0), f"time_ms(fn, torch.device('cpu'), warmup=0) = {result}"


@pytest.mark.parametrize("device", CUDA_LIKE)
def test_time_ms_on_a_gpu_measures_device_time_and_waits_for_it(device):
    cycles = (
        20_000_000  # torch.cuda._sleep: a kernel that spins on the GPU; the host returns at once
    )
    short = time_ms(lambda: torch.cuda._sleep(cycles), device, warmup=1, repeats=3)
    assert torch.cuda.current_stream().query(), "time_ms returned before the GPU work finished"
    long = time_ms(lambda: torch.cuda._sleep(2 * cycles), device, warmup=1, repeats=3)
    assert short > 0.5 and 1.5 < long / short < 2.5, (
        f"time_ms of a GPU sleep of {cycles} cycles: {short:.3f} ms, of twice as many: "
        f"{long:.3f} ms. Device events measure the kernels; a host clock without waiting for "
        f"the GPU measures only the time to queue them (far below a millisecond)"
    )


# Task 2: work on a side stream


def test_run_on_side_stream_orders_the_side_stream_between_two_waits(fake):
    x = torch.arange(6.0)
    seen = []

    def fn(t):
        seen.append(fake.current.name)
        fake.log.append(("fn", fake.current.name))
        return t * 2

    result = run_on_side_stream(fn, x, fake.side, fake.main)
    assert_tensor(result, x * 2, call=call("run_on_side_stream(lambda t: t * 2", x) + "...)")
    assert_equal(seen, ["side"], call="the current stream while fn ran")
    ran = fake.index("fn")
    side_waits = [i for i, e in enumerate(fake.log) if e[:3] == ("wait", "side", "main")]
    assert side_waits and side_waits[0] < ran, (
        "the side stream must wait for main before fn is queued on it (x may still be being "
        f"written on main):\n{fake.story()}"
    )
    main_waits = [i for i, e in enumerate(fake.log) if e[:3] == ("wait", "main", "side")]
    assert main_waits and main_waits[-1] > ran and fake.log[main_waits[-1]][3] > ran, (
        f"main must wait for the side stream after fn was queued on it (the result is written "
        f"there):\n{fake.story()}"
    )
    assert fake.current is fake.main, "run_on_side_stream must leave main as the current stream"


@pytest.mark.parametrize("device", CUDA_LIKE)
def test_run_on_side_stream_on_a_gpu_sees_finished_inputs_and_gives_finished_results(device):
    main, side = torch.cuda.current_stream(), torch.cuda.Stream()
    x = torch.zeros(1 << 20, device=device)
    torch.cuda.synchronize()
    torch.cuda._sleep(50_000_000)  # main is busy...
    x.fill_(1.0)  # ...so x becomes 1 only later, on main

    def slow_double(t):
        torch.cuda._sleep(50_000_000)  # the side stream is busy before it writes the result
        return t * 2

    result = run_on_side_stream(slow_double, x, side, main)
    total = result.sum()  # queued on main
    assert total.item() == 2.0 * x.numel(), (
        f"run_on_side_stream(slow_double, x) summed to {total.item()} on main, expected "
        f"{2.0 * x.numel()}: the side stream read x before main finished it, or main read the "
        f"result before the side stream finished it"
    )


# Task 3: prefetching


def batches(count):
    generator = torch.Generator().manual_seed(3)
    return [torch.randn(k + 1, 3, generator=generator) for k in range(count)]  # batch k: k + 1 rows


def shape(k):
    return (k + 1, 3)


@pytest.mark.parametrize("count", [pytest.param(1, id="one-batch"), pytest.param(4, id="four")])
def test_prefetch_yields_every_batch_in_order(fake, count):
    inputs = batches(count)
    got = list(prefetch(inputs, "cpu", fake.copy, fake.compute))
    assert_equal(len(got), count, call=f"len(list(prefetch(<{count} batches>, 'cpu', ...)))")
    for k, (g, expected) in enumerate(zip(got, inputs, strict=True)):
        assert_tensor(g, expected, call=f"prefetch(...): batch {k}")


def test_prefetch_copies_on_the_copy_stream_without_blocking(fake):
    with fake:
        for _ in prefetch(batches(3), "meta", fake.copy, fake.compute):
            pass
    copies = [e for e in fake.log if e[0] == "copy"]
    assert_equal(len(copies), 3, call=f"number of copies for 3 batches; the log:\n{fake.story()}\n")
    for entry in copies:
        _, size, stream, blocking = entry
        assert stream == "copy" and not blocking, (
            f"the copy of a batch of shape {size} ran on stream {stream!r} with "
            f"non_blocking={not blocking}; each copy belongs on the copy stream, non-blocking:\n"
            f"{fake.story()}"
        )


def test_prefetch_waits_records_and_overlaps_the_next_copy(fake):
    count = 3
    with fake:
        for k, batch in enumerate(prefetch(batches(count), "meta", fake.copy, fake.compute)):
            fake.log.append(("got", tuple(batch.shape)))
            assert_equal(
                batch.device.type, "meta", call=f"prefetch(..., 'meta', ...): batch {k}.device.type"
            )
            assert_equal(tuple(batch.shape), shape(k), call=f"shape of batch {k}")
    for k in range(count):
        got, copied = fake.index("got", shape(k)), fake.index("copy", shape(k))
        waits = [
            i
            for i, e in enumerate(fake.log)
            if e[:3] == ("wait", "compute", "copy") and copied < e[3] and i < got
        ]
        assert waits, (
            f"before batch {k} is handed over, the compute stream must wait for its copy "
            f"(compute.wait_stream(copy) after the copy was queued):\n{fake.story()}"
        )
        recorded = fake.index("record", shape(k), "compute")
        assert recorded < got, (
            f"batch {k} must be marked with record_stream(compute) before it is handed over:\n"
            f"{fake.story()}"
        )
        if k + 1 < count:
            next_copy = fake.index("copy", shape(k + 1))
            assert next_copy < got, (
                f"the copy of batch {k + 1} must be queued before batch {k} is handed over, so "
                f"that it overlaps with the compute on batch {k}:\n{fake.story()}"
            )
            over = [
                i
                for i, e in enumerate(fake.log)
                if e[:3] == ("wait", "compute", "copy") and e[3] > next_copy and i < got
            ]
            assert not over, (
                f"before batch {k} is handed over, compute waits for the copy of batch {k + 1} "
                f"too: the copies no longer overlap with compute. Wait first, then queue the "
                f"next copy:\n{fake.story()}"
            )


@pytest.mark.parametrize("device", CUDA_LIKE)
def test_prefetch_on_a_gpu_gives_the_batches_on_the_device(device):
    inputs = [b.pin_memory() for b in batches(4)]
    copy_stream, compute_stream = torch.cuda.Stream(), torch.cuda.current_stream()
    sums = []
    for batch in prefetch(inputs, device, copy_stream, compute_stream):
        assert batch.device.type == "cuda", f"prefetch yielded a batch on {batch.device}"
        sums.append((batch * 2).sum())  # compute on the current (compute) stream
    expected = torch.stack([(b * 2).sum() for b in inputs])
    assert_tensor(torch.stack(sums).cpu(), expected, call="sums of prefetch(...) batches")
