import pytest
import torch
from profiling_and_benchmarking import (
    benchmark_sizes,
    dominant_operator,
    matmul_timer,
    operator_counts,
)
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.utils import benchmark
from torch.utils._python_dispatch import TorchDispatchMode

from kata_helpers import assert_equal, describe

# Nothing here reads a clock: the tests check what was profiled or timed, never how long it took.


class Recorder(TorchDispatchMode):
    """Records every ATen operation dispatched while active, with its tensor arguments."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.calls.append((func.__name__.split(".")[0], args))
        return func(*args, **(kwargs or {}))

    def named(self, name):
        return [args for op, args in self.calls if op == name]


def data(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def small_workload(a, b, s, products=3, additions=5, multiplications=2):
    for _ in range(products):
        a @ b
    for _ in range(additions):
        s = s + 1
    for _ in range(multiplications):
        s = s * 2
    return s


def matmul_heavy(a, b, s):
    """One large product (milliseconds) among tiny additions (microseconds each)."""
    for _ in range(4):
        s = s + 1
    return a @ b, s


def exp_heavy(x, small):
    """One exp over millions of values among tiny products."""
    for _ in range(4):
        small = small @ small
    return x.exp(), small


# Task 1: operator counts


@pytest.mark.parametrize(
    ("products", "additions"),
    [
        pytest.param(3, 5, id="3-products-5-additions"),
        pytest.param(1, 2, id="1-product-2-additions"),
    ],
)
def test_operator_counts_counts_each_operator_of_one_call(products, additions):
    a, b, s = data(4, 4, seed=1), data(4, 4, seed=2), data(3, seed=3)
    result = operator_counts(small_workload, a, b, s, products, additions)
    where = f"operator_counts(workload with {products} a @ b, {additions} s + 1, 2 s * 2)"
    if not isinstance(result, dict):
        raise AssertionError(f"{where} returned {describe(result)}, expected a dict")
    for name, expected in [("aten::mm", products), ("aten::add", additions), ("aten::mul", 2)]:
        if name not in result:
            raise AssertionError(
                f"{where} has no {name!r}; it has {sorted(result)[:8]}... "
                f"(use the profiler's names: event.key of prof.key_averages())"
            )
        assert_equal(result[name], expected, call=f"{where}[{name!r}]")


# Task 2: the dominant operator


@pytest.mark.parametrize(
    ("workload", "make_args", "expected"),
    [
        pytest.param(
            matmul_heavy,
            lambda: (data(384, 384, seed=4), data(384, 384, seed=5), data(4, seed=6)),
            "aten::mm",
            id="one-large-product",
        ),
        pytest.param(
            exp_heavy,
            lambda: (data(2_000_000, seed=7), data(3, 3, seed=8)),
            "aten::exp",
            id="one-large-exp",
        ),
    ],
)
def test_dominant_operator_finds_the_operator_that_takes_orders_of_magnitude_longer(
    workload, make_args, expected
):
    args = make_args()
    workload(*args)  # warm up: first calls pay one-off costs the profile should not see
    result = dominant_operator(workload, *args)
    assert_equal(
        result,
        expected,
        call=f"dominant_operator({workload.__name__}, ...) ({workload.__doc__.strip()})",
    )


# Task 3: a timer that times only the product


def test_matmul_timer_times_a_at_b_on_these_very_tensors_and_nothing_else():
    a, b = data(3, 4, seed=9), data(4, 5, seed=10)
    timer = matmul_timer(a, b)
    if not isinstance(timer, benchmark.Timer):
        raise AssertionError(
            f"matmul_timer(a, b) returned {describe(timer)}, expected a "
            f"torch.utils.benchmark.Timer (it warms up and synchronises accelerators for you)"
        )
    with Recorder() as recorder:
        measurement = timer.timeit(3)
    others = sorted({op for op, _ in recorder.calls if op != "mm"})
    if others:
        raise AssertionError(
            f"matmul_timer(a, b).timeit(3) ran {others} as well as the product: only `a @ b` "
            f"belongs in the timed statement; make inputs before, outside the timer"
        )
    products = recorder.named("mm")
    if len(products) < 3:
        raise AssertionError(
            f"matmul_timer(a, b).timeit(3) ran {len(products)} products, expected 3 or more"
        )
    if not all(args[0] is a and args[1] is b for args in products):
        raise AssertionError(
            "matmul_timer(a, b).timeit(3) multiplied other tensors than a and b: pass these very "
            "tensors to the timer (globals=...)"
        )
    if not isinstance(measurement, benchmark.Measurement):
        raise AssertionError(f"timer.timeit(3) returned {describe(measurement)}, not a Measurement")


def test_matmul_timer_labels_say_what_how_big_and_where():
    a, b = data(3, 4, seed=11), data(4, 5, seed=12)
    spec = matmul_timer(a, b).timeit(1).task_spec
    assert_equal(spec.label, "matmul", call="matmul_timer(a, b) label")
    assert_equal(spec.sub_label, "3x4x5", call="matmul_timer(a of 3x4, b of 4x5) sub_label")
    assert_equal(spec.description, "cpu", call="matmul_timer(CPU tensors) description")


def test_matmul_timer_works_on_the_tensors_device():
    a, b = torch.empty(6, 2, device="meta"), torch.empty(2, 7, device="meta")
    timer = matmul_timer(a, b)
    with Recorder() as recorder:
        spec = timer.timeit(2).task_spec
    assert_equal(spec.description, "meta", call="matmul_timer(meta tensors) description")
    assert_equal(spec.sub_label, "6x2x7", call="matmul_timer(a of 6x2, b of 2x7) sub_label")
    devices = {
        arg.device.type
        for _, args in recorder.calls
        for arg in args
        if isinstance(arg, torch.Tensor)
    }
    assert_equal(devices, {"meta"}, call="devices of the tensors the timed statement used")


def test_matmul_timer_description_is_the_device_type_without_the_index():
    # Fake tensors carry a device without its memory: these say "cuda:0" on any machine.
    with FakeTensorMode():
        a, b = torch.empty(3, 4, device="cuda:0"), torch.empty(4, 5, device="cuda:0")
    spec = matmul_timer(a, b).timeit(1).task_spec
    assert_equal(
        spec.description,
        "cuda",
        call="matmul_timer(a, b on device cuda:0) description (the device type, not str(device))",
    )


# Task 4: benchmark several sizes


def test_benchmark_sizes_gives_one_labelled_measurement_per_size():
    sizes = [4, 8, 16]
    result = benchmark_sizes(sizes, min_run_time=0.005)
    if not isinstance(result, list) or not all(
        isinstance(m, benchmark.Measurement) for m in result
    ):
        raise AssertionError(
            f"benchmark_sizes({sizes}) returned {describe(result)}, expected a list of Measurements"
        )
    assert_equal(
        [m.task_spec.sub_label for m in result],
        [f"{n}x{n}x{n}" for n in sizes],
        call=f"sub_labels of benchmark_sizes({sizes})",
    )
    assert_equal(
        {(m.task_spec.label, m.task_spec.description) for m in result},
        {("matmul", "cpu")},
        call=f"(label, description) of benchmark_sizes({sizes})",
    )
    benchmark.Compare(result)  # the measurements compare as one table


def test_benchmark_sizes_measures_blocks_until_min_run_time_is_spent():
    # blocked_autorange measures blocks until their times add up to min_run_time; a fixed
    # number of runs of a tiny product stops long before. Reads the Measurements, not a clock.
    sizes, min_run_time = [4, 8], 0.02
    result = benchmark_sizes(sizes, min_run_time=min_run_time)
    for n, measurement in zip(sizes, result, strict=True):
        measured = sum(measurement.raw_times)
        if measured < min_run_time:
            raise AssertionError(
                f"benchmark_sizes({sizes}, min_run_time={min_run_time}): the {n}x{n} measurement "
                f"has {len(measurement.raw_times)} block(s) of {measurement.number_per_run} runs "
                f"adding up to {measured:.2g} s, less than min_run_time: let "
                f"blocked_autorange(min_run_time=min_run_time) decide how many runs fill it"
            )


def test_benchmark_sizes_makes_the_inputs_once_per_size_outside_the_timed_statement():
    sizes = [4, 8]
    with Recorder() as recorder:
        benchmark_sizes(sizes, min_run_time=0.005)
    random = [
        op for op, _ in recorder.calls if op.startswith(("randn", "rand", "normal", "uniform"))
    ]
    products = recorder.named("mm")
    shapes = sorted({tuple(args[0].shape) for args in products})
    assert_equal(shapes, [(4, 4), (8, 8)], call=f"shapes multiplied by benchmark_sizes({sizes})")
    if len(random) > 2 * len(sizes):
        raise AssertionError(
            f"benchmark_sizes({sizes}) made random tensors {len(random)} times while running "
            f"{len(products)} products, expected 2 per size: make each size's matrices once, "
            f"before its timer, not in the statement (or in a setup that runs before every block)"
        )


# On an accelerator: the benchmark Timer synchronises the device around the statement.


@pytest.mark.gpu
def test_matmul_timer_times_the_product_on_the_accelerator(device):
    a, b = data(64, 32, seed=13).to(device), data(32, 16, seed=14).to(device)
    timer = matmul_timer(a, b)
    with Recorder() as recorder:
        measurement = timer.timeit(5)
    assert_equal(measurement.task_spec.description, device.type, call="matmul_timer description")
    products = recorder.named("mm")
    if len(products) < 5 or not all(args[0] is a and args[1] is b for args in products):
        raise AssertionError("matmul_timer(a, b) on the accelerator did not time a @ b on a and b")
    others = sorted({op for op, _ in recorder.calls if op != "mm"})
    assert_equal(others, [], call="operations other than the product in the timed statement")
