"""ARCHITECTURE rules 1 and 2 and the seam of issue 12, checked on the source tree.

The rules and their listed exceptions (each with a reason) are in
tests/core/import_contract.py; each rule is shown to refuse a fake violation.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import core
from tests.core.import_contract import CLI_ALLOWED, TUI_ALLOWED, UI, imported_names, violations

ROOT = Path(__file__).resolve().parents[2]
def _core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core.")
                  if not m.name.endswith("__main__"))


def test_core_never_loads_ui_modules() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {_core_modules()!r}: importlib.import_module(m)\n"
        f"bad = sorted(k for k in sys.modules if k.split('.')[0] in {UI!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"core pulled in UI modules: {out.stdout}"


def _tree() -> list[tuple[str, Path]]:
    return [(p.relative_to(ROOT).as_posix(), p)
            for top in ("core", "tui") for p in sorted((ROOT / top).rglob("*.py"))]


def test_every_import_of_core_and_tui_keeps_the_rules() -> None:
    """core ↛ UI; only the lab and its wiring import core.lab; tui ↛ core past the
    façade and the values listed in TUI_ALLOWED (CLI_ALLOWED for tui/cli); protocol
    libraries only in their adapters (tests/core/import_contract.py)."""
    offenders = [v for rel, path in _tree() for v in violations(rel, path.read_text("utf-8"))]
    assert offenders == []


def test_every_listed_exception_is_still_needed() -> None:
    """An allowed entry no file uses any more is dropped, so the lists stay the truth."""
    used = {(rel.startswith("tui/cli/"), name) for rel, path in _tree() if rel.startswith("tui/")
            for name in imported_names(path.read_text("utf-8"))}

    def needed(prefix: str, cli: bool) -> bool:
        return any(c == cli and (n == prefix or n.startswith(prefix + ".")) for c, n in used)

    unused = [p for p in TUI_ALLOWED if not needed(p, False) and not needed(p, True)]
    unused += [p for p in CLI_ALLOWED if not needed(p, True)]
    assert unused == []


@pytest.mark.parametrize(("path", "source", "rule"), [
    ("core/model/x.py", "from textual.widgets import Static\n", "rule 1"),
    ("core/settings.py", "def f():\n    import rich\n", "rule 1"),
    ("core/credentials/lab.py", "from core.lab.estate import Estate\n", "core.lab"),
    ("tui/cli/dfo_cmd.py", "from core.lab.runtime import read_runtime\n", "core.lab"),
    ("tui/help_text.py", "from core.config.edit import field_help\n", "façade"),
    ("tui/widgets/x.py", "from core.validation import fixes\n", "façade"),
    ("tui/widgets/x.py", "import core.store\n", "façade"),
    ("tui/widgets/x.py", "from core.settings import save_settings\n", "façade"),
    ("tui/cli/x.py", "from core.validation.fixes import fix\n", "façade"),
    ("core/protection/x.py", "import ldap3\n", "rule 2"),
    ("core/model/x.py", "from dns import resolver\n", "rule 2"),
    ("core/hosts/ops.py", "import winrm\n", "rule 2"),
    ("core/settings.py", "import keyring\n", "rule 2"),
    ("core/engine/service.py", "from watchdog.observers import Observer\n", "rule 2"),
    ("tui/app.py", "import keyring\n", "rule 2"),
])
def test_each_rule_refuses_a_fake_violation(path: str, source: str, rule: str) -> None:
    found = violations(path, source)
    assert len(found) == 1 and rule in found[0], found


@pytest.mark.parametrize(("path", "source"), [
    ("core/lab/context.py", "from core.lab.estate import Estate\n"),
    ("tui/cli/session.py", "from core.lab.context import lab_context\n"),
    ("tui/widgets/x.py", "from core.console.api import ConsoleApi\n"),
    ("tui/widgets/x.py", "from core.model.config import ProtectionConfig\n"),
    ("tui/cli/x.py", "from core.store import PairStore\n"),
    ("core/engine/fswatch.py", "import watchdog.events\n"),
    ("core/dns/adapter.py", "import dns.query\n"),
])
def test_the_rules_allow_what_is_listed(path: str, source: str) -> None:
    assert violations(path, source) == []


def test_headless_entry_point_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from tui.cli.main import build_parser\n"
        "build_parser()\n"
        "print(any(k.split('.')[0] == 'textual' for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
