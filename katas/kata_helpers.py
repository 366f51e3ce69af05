"""Assertions whose failure messages teach: what was called, with what, what came back and what
was expected (shape, dtype, device, largest error, first mismatch)."""

from __future__ import annotations

import torch


def describe(value) -> str:
    """A short description of a value for messages: tensors by shape, dtype and device."""
    if isinstance(value, torch.Tensor):
        grad = ", requires_grad" if value.requires_grad else ""
        if value.numel() <= 6:
            return f"tensor({value.tolist()}, dtype={value.dtype}, device={value.device}{grad})"
        return (
            f"tensor(shape={tuple(value.shape)}, dtype={value.dtype}, device={value.device}{grad})"
        )
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"{type(value).__name__} of {len(value)} items"
    return repr(value)


def call(name: str, *args, **kwargs) -> str:
    """How a call reads in a message: `call("f", x, dim=1)` -> "f(tensor(...), dim=1)"."""
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _index(flat_index: int, shape) -> tuple[int, ...]:
    return tuple(int(i) for i in torch.unravel_index(torch.tensor(flat_index), tuple(shape)))


def assert_tensor(
    actual,
    expected: torch.Tensor,
    *,
    call: str,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    check_device: bool = True,
    equal_nan: bool = False,
) -> None:
    """Assert that `call` returned a tensor like `expected`: same shape, dtype and device, and
    values equal (integers, booleans) or close (floats; tolerances default to the dtype's)."""
    __tracebackhide__ = True  # a failure points at the test's line, not at this helper
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(
            f"{call} returned {describe(actual)} ({type(actual).__name__}), expected a tensor: "
            f"{describe(expected)}"
        )
    header = f"{call} returned the wrong {{what}}.\n  expected: {{e}}\n  actual:   {{a}}"
    if actual.shape != expected.shape:
        raise AssertionError(
            header.format(what="shape", e=tuple(expected.shape), a=tuple(actual.shape))
        )
    if check_dtype and actual.dtype != expected.dtype:
        raise AssertionError(header.format(what="dtype", e=expected.dtype, a=actual.dtype))
    if check_device and actual.device.type != expected.device.type:
        raise AssertionError(header.format(what="device", e=expected.device, a=actual.device))
    a = actual.detach().cpu()
    e = expected.detach().cpu().to(a.dtype) if not check_dtype else expected.detach().cpu()
    if a.is_floating_point() or a.is_complex() or e.is_floating_point():
        a, e = a.to(torch.float64), e.to(torch.float64)
        default_rtol, default_atol = _tolerances(expected.dtype)
        rtol = default_rtol if rtol is None else rtol
        atol = default_atol if atol is None else atol
        ok = torch.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
        tolerance = f" (rtol={rtol:g}, atol={atol:g})"
    else:
        ok = a == e
        tolerance = ""
    if bool(ok.all()):
        return
    bad = (~ok).flatten().nonzero().flatten()
    first = int(bad[0])
    lines = [
        f"{call} returned the wrong values: {len(bad)} of {a.numel()} elements differ{tolerance}.",
        f"  shape {tuple(actual.shape)}, dtype {actual.dtype}, device {actual.device}",
        f"  first mismatch at index {_index(first, a.shape)}: "
        f"expected {e.flatten()[first].item()!r}, got {a.flatten()[first].item()!r}",
    ]
    if a.is_floating_point():
        error = (a - e).abs().flatten().nan_to_num(nan=float("inf"))
        worst = int(error.argmax())
        lines.append(
            f"  largest error {error[worst].item():.3g} at index {_index(worst, a.shape)}: "
            f"expected {e.flatten()[worst].item()!r}, got {a.flatten()[worst].item()!r}"
        )
    if a.numel() <= 24:
        lines += [f"  expected: {e.tolist()}", f"  actual:   {a.tolist()}"]
    raise AssertionError("\n".join(lines))


def _tolerances(dtype: torch.dtype) -> tuple[float, float]:
    return {
        torch.float16: (1e-3, 1e-5),
        torch.bfloat16: (1.6e-2, 1e-5),
        torch.float32: (1.3e-6, 1e-5),
        torch.float64: (1e-7, 1e-7),
    }.get(dtype, (1.3e-6, 1e-5))


def assert_same_storage(result, source, *, call: str) -> None:
    """Assert that `result` is a view: it shares memory with `source`."""
    __tracebackhide__ = True  # a failure points at the test's line, not at this helper
    if not isinstance(result, torch.Tensor):
        raise AssertionError(f"{call} returned {describe(result)}, expected a tensor")
    if result.untyped_storage().data_ptr() != source.untyped_storage().data_ptr():
        raise AssertionError(
            f"{call} returned a copy, expected a view that shares memory with its input "
            f"(writing to one must change the other)."
        )


def assert_new_storage(result, source, *, call: str) -> None:
    """Assert that `result` owns its memory: changing it leaves `source` alone."""
    __tracebackhide__ = True  # a failure points at the test's line, not at this helper
    if not isinstance(result, torch.Tensor):
        raise AssertionError(f"{call} returned {describe(result)}, expected a tensor")
    if result.untyped_storage().data_ptr() == source.untyped_storage().data_ptr():
        raise AssertionError(
            f"{call} returned a tensor that shares memory with its input, expected a copy "
            f"(writing to the result would change the input)."
        )


def assert_equal(actual, expected, *, call: str) -> None:
    """Assert a plain Python value (number, tuple, dtype, string...) equals the expected one and
    is of its type; a subclass counts (torch.Size is a tuple, numpy's float64 a float)."""
    __tracebackhide__ = True  # a failure points at the test's line, not at this helper
    if actual != expected or not isinstance(actual, type(expected)):
        raise AssertionError(
            f"{call} returned {describe(actual)} ({type(actual).__name__}), "
            f"expected {describe(expected)} ({type(expected).__name__})"
        )


def case_id(value) -> str:
    """A readable pytest id for a parametrized case: a shape as `2x3`, a dtype by its name,
    a tuple of values joined with `-`, e.g. `ids=[case_id(c) for c in CASES]`."""
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, torch.Size) or (
        isinstance(value, (tuple, list)) and value and all(type(v) is int for v in value)
    ):
        return "x".join(str(v) for v in value) if len(value) > 1 else f"{value[0]}"
    if isinstance(value, (tuple, list)):
        return "-".join(case_id(v) for v in value) if value else "empty"
    return str(value)


def assert_elementwise(actual, expected: torch.Tensor, *, inputs: dict, call: str, **options):
    """assert_tensor for an elementwise function, whose failure also shows the inputs at the
    first mismatch (often a boundary value): inputs maps names to tensors of expected's shape."""
    __tracebackhide__ = True  # a failure points at the test's line, not at this helper
    try:
        assert_tensor(actual, expected, call=call, **options)
    except AssertionError as error:
        if not isinstance(actual, torch.Tensor) or actual.shape != expected.shape:
            raise
        a, e = actual.detach().cpu().double(), expected.detach().cpu().double()
        rtol, atol = _tolerances(expected.dtype)
        rtol, atol = options.get("rtol") or rtol, options.get("atol") or atol
        bad = (~torch.isclose(a, e, rtol=rtol, atol=atol)).flatten().nonzero().flatten()
        if len(bad) == 0:
            raise
        where = _index(int(bad[0]), a.shape)
        shown = ", ".join(
            f"{name}{list(where)} = {value.detach().cpu()[where].item()!r}"
            for name, value in inputs.items()
        )
        raise AssertionError(f"{error}\n  the input at the first mismatch: {shown}") from None
