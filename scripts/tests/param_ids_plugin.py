"""A pytest plugin for test_test_ids.py: marks each parametrized id that pytest would generate
from the argument's name and position (`shape0`, `model1`) or from an unreadable name
(`<lambda>`), so the test can name the tests that lack a readable id."""

import enum
import inspect
import re

MARK = "UNNAMED-ID"


def pytest_make_parametrize_id(config, val, argname):
    # Called only for a value without an explicit id (pytest.param(id=...) or ids=...).
    if val is None or isinstance(val, (str, bytes, int, float, bool, complex)):
        return None  # pytest shows the value itself
    if isinstance(val, (enum.Enum, re.Pattern)):
        return None
    name = getattr(val, "__name__", None)
    if (inspect.isclass(val) or inspect.isfunction(val)) and name and name != "<lambda>":
        return None  # pytest shows the function's or class's name
    return f"{MARK}({argname})"
