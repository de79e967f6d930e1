"""``present(x)``: x, asserted not None (a test's way to say "this must exist here")."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    """``value``, failing the test when it is None (and narrowing its type for mypy)."""
    assert value is not None
    return value
