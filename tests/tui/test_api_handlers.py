"""Every worker result has a handler (issue 12: results were dispatched by name, and a
misspelt ``api_<op>`` silently dropped one).

Statically: each ``call_api("op", ...)`` in tui/ names an op whose class (with its
bases) defines ``api_<op>``, or lists the op in ``RESULT_IGNORED`` (a call made for its
effect only; its failure is still shown). At run time ``on_api_done`` raises for a
result nobody handles, so a Pilot test that reaches one fails.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

from tui.api_calls import ApiCaller, ApiDone

TUI = Path(__file__).resolve().parents[2] / "tui"


def _calls() -> list[tuple[str, str, str, int]]:
    """(module, class, op, line) of every call_api with a literal op."""
    out = []
    for path in sorted(TUI.rglob("*.py")):
        module = ".".join(path.relative_to(TUI.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text())
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for node in ast.walk(cls):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "call_api" and node.args
                        and isinstance(node.args[0], ast.Constant)):
                    out.append((module, cls.name, str(node.args[0].value), node.lineno))
    return out


def test_every_call_api_op_has_a_handler_or_is_declared_ignored() -> None:
    calls = _calls()
    assert len(calls) > 40  # the scan sees the TUI's calls
    missing = []
    for module, name, op, line in calls:
        cls = getattr(importlib.import_module(module), name)
        ignored: frozenset[str] = getattr(cls, "RESULT_IGNORED", frozenset())
        if not hasattr(cls, f"api_{op}") and op not in ignored:
            missing.append(f"{module}:{line} {name}: no api_{op}")
    assert missing == []


def test_an_unhandled_result_is_an_error_not_a_silent_drop() -> None:
    class Node(ApiCaller):
        RESULT_IGNORED = frozenset({"quiet"})

        def api_known(self, result: Any, _tag: Any) -> None:
            self.got = result

    node = Node()
    node.on_api_done(ApiDone("known", result=1))
    assert node.got == 1
    node.on_api_done(ApiDone("quiet", result=2))  # declared: dropped on purpose
    with pytest.raises(LookupError, match="api_misspelt"):
        node.on_api_done(ApiDone("misspelt", result=3))


def test_every_declared_ignored_op_is_called() -> None:
    """A stale RESULT_IGNORED entry hides nothing but says something untrue."""
    calls = _calls()
    stale = []
    for module, name in {(m, c) for m, c, _, _ in calls}:
        own = vars(getattr(importlib.import_module(module), name)).get("RESULT_IGNORED", ())
        ops = {op for m, c, op, _ in calls if (m, c) == (module, name)}
        stale += [f"{name}: {op}" for op in own if op not in ops]
    assert stale == []
