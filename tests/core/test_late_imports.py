"""No module of core/ or tui/ imports at its bottom (issue 12): registries are filled by
explicit imports at the top (e.g. core.protection.step_table), never by a late import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.late_imports import late_imports

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_core_or_tui_imports_after_its_first_def() -> None:
    offenders: list[str] = []
    for top in ("core", "tui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            offenders += late_imports(path.read_text("utf-8"), rel)
    assert offenders == []


@pytest.mark.parametrize("source", [
    "import os\n\ndef f():\n    pass\n\nimport sys\n",
    "class A:\n    pass\n\nfrom os import path\n",
    "def f():\n    pass\n\nif True:\n    from os import path\n",
    "x = 1\nimport os  # noqa: E402\n",
])
def test_the_checker_finds_a_late_import(source: str) -> None:
    assert late_imports(source) != []


def test_the_checker_allows_imports_at_the_top_and_inside_functions() -> None:
    source = ("from __future__ import annotations\n\nimport os\nfrom typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    import sys\n\n\ndef f():\n    import json\n    return json\n")
    assert late_imports(source) == []
