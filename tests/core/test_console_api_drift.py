"""ConsoleApi (the Protocol the TUI and CLI are written against) matches Console.

Issue 12: the flat Protocol had drifted (``fix_all`` and ``failover(force=)`` were
missing) and promised ``Any`` in 19 signatures. Now the façade only composes the
services: ConsoleApi names each service attribute with its class, Console builds exactly
those, no public method name is in two services (``api.<service>.<name>`` says where it
lives), and no service method returns ``Any`` or an unparameterised container.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from core.console import Console
from core.console.api import ConsoleApi
from core.console.session import Session


def _services() -> dict[str, type]:
    """ConsoleApi's annotated attributes, resolved (the Protocol imports them only for
    the type checker; Console's modules have them at run time)."""
    import core.console.console as impl

    names = {**vars(impl), "Session": Session}
    return typing.get_type_hints(ConsoleApi, localns=names)


def test_console_builds_exactly_the_services_console_api_names(world: Any) -> None:
    console = Console(world.ctx)
    built = {n: type(v) for n, v in vars(console).items() if not n.startswith("_")}
    assert built == _services()


def test_console_has_every_property_console_api_promises(world: Any) -> None:
    console = Console(world.ctx)
    promised = [n for n, v in vars(ConsoleApi).items() if isinstance(v, property)]
    assert sorted(promised) == ["advanced", "alt_dns", "domain", "lab", "nosqlsearch"]
    for name in promised:
        assert isinstance(getattr(console, name), bool | str), name


def _public(cls: type) -> dict[str, Any]:
    return {n: f for n, f in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


def test_no_method_name_is_in_two_services() -> None:
    seen: dict[str, str] = {}
    twice = []
    for attr, cls in _services().items():
        for name in _public(cls):
            if name in seen:
                twice.append(f"{name}: {seen[name]} and {attr}")
            seen[name] = attr
    assert twice == []


def test_no_service_method_returns_any() -> None:
    vague = []
    for attr, cls in _services().items():
        for name, fn in _public(cls).items():
            ret = inspect.signature(fn).return_annotation
            text = ret if isinstance(ret, str) else getattr(ret, "__name__", str(ret))
            if ret is inspect.Signature.empty or "Any" in text or text in ("list", "dict"):
                vague.append(f"{attr}.{name} -> {text}")
    assert vague == []
