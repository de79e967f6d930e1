"""Finding imports at the bottom of a module (issue 12: registration is explicit).

A module-level import after the first ``def`` or ``class`` (or one that needs
``noqa: E402``) is how a module completes a registry or re-exports behind the
reader's back; the checker names each such line so a test can refuse it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

#: statements whose bodies are still module level (``if TYPE_CHECKING:``, ``try:``)
_NESTED = (ast.If, ast.Try, ast.With)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for node in body:
        yield node
        if isinstance(node, _NESTED):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []):
                yield from _module_level(handler.body)


def late_imports(source: str, name: str = "<source>") -> list[str]:
    """``name:line`` of every module-level import after the first def/class, and of
    every line that silences E402 (module import not at top of file)."""
    found = [f"{name}:{n} noqa E402" for n, line in enumerate(source.splitlines(), 1)
             if "noqa: E402" in line or ("noqa:" in line and "E402" in line)]
    seen_def = False
    for node in _module_level(ast.parse(source).body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            seen_def = True
        elif seen_def and isinstance(node, ast.Import | ast.ImportFrom):
            found.append(f"{name}:{node.lineno} import after the first def/class")
    return found
