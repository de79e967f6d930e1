"""ConsoleApi (the Protocol the TUI and CLI are written against) matches Console.

Issue 12: the Protocol had drifted (``fix_all`` and ``failover(force=)`` were missing).
Every public method of Console must be on ConsoleApi with the same parameters (names,
kinds, defaults), and ConsoleApi must promise nothing Console does not have.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from core.console import Console
from core.console.api import ConsoleApi


def _methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {n: f for n, f in inspect.getmembers(cls, inspect.isfunction)
            if not n.startswith("_")}


def _params(fn: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    """Names, kinds and defaults: annotations differ in spelling (``self: Console``)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def drift(impl: type, api: type) -> list[str]:
    """Every way ``api`` and ``impl`` disagree, one line each."""
    have, promised = _methods(impl), _methods(api)
    out = [f"{n}: not on {api.__name__}" for n in sorted(set(have) - set(promised))]
    out += [f"{n}: not on {impl.__name__}" for n in sorted(set(promised) - set(have))]
    for name in sorted(set(have) & set(promised)):
        if _params(have[name]) != _params(promised[name]):
            out.append(f"{name}: {impl.__name__}{inspect.signature(have[name])} "
                       f"!= {api.__name__}{inspect.signature(promised[name])}")
    return out


def test_console_api_names_every_public_console_method_with_its_parameters() -> None:
    assert drift(Console, ConsoleApi) == []


def test_the_drift_check_sees_a_missing_method_and_a_changed_parameter() -> None:
    class Impl:
        def fix_all(self, cfg: object) -> None: ...
        def failover(self, app: str, *, force: bool = False) -> None: ...
        def _private(self) -> None: ...

    class Api:
        def failover(self, app: str) -> None: ...

    found = drift(Impl, Api)
    assert any(line.startswith("fix_all: not on Api") for line in found)
    assert any(line.startswith("failover:") for line in found)
    assert not any("_private" in line for line in found)
