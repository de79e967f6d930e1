"""ARCHITECTURE rules 1 and 2, checked on the source tree."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]
UI = ("textual", "rich", "tui")
#: library -> the only core paths allowed to import it (adapters and the lab)
ADAPTER_ONLY = {
    "ldap3": ("core/directory/connect", "core/directory/ldap_", "core/lab/directory"),
    "dns": ("core/dns/adapter", "core/dns/dnspython_key", "core/dns/outcomes", "core/dns/gss_tsig",
            "core/dns/srv", "core/lab/dns_"),
    "winrm": ("core/hosts/winrm_host", "core/hosts/winrm_shell"),
    "requests": ("core/hosts/winrm_host",),
    "gssapi": ("core/dns/gss_tsig", "core/directory/connect"),
    "keyring": ("core/credentials/backend", "core/credentials/memory", "core/credentials/store"),
    "keyrings": ("core/credentials/backend",),
}


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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_adapters_import_protocol_libraries() -> None:
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for lib in _imports(path) & set(ADAPTER_ONLY):
            if not rel.startswith(ADAPTER_ONLY[lib]):
                offenders.append(f"{rel} imports {lib}")
    assert offenders == []


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
