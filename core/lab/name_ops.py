"""The alternate computer names of a lab server (a mixin of :class:`LabHost`).

``name_add`` / ``name_remove`` answer what their scripts print on Windows
(the Server service's OptionalNames after the change). The names are kept
in ``<lab>/servers/NAME/names.json`` so a failed-over name is still there
after ``lab fail``/``heal`` and the next ``lab up``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.lab.estate import LabServer
from core.lab.ps_failure import bad_param

NAMES_FILE = "names.json"
_lock = threading.Lock()


def names_path(lab_root: Path, server: str) -> Path:
    return lab_root / "servers" / server.upper() / NAMES_FILE


def alternate_names(lab_root: Path, server: str) -> list[str]:
    """The names ``server`` answers to besides its own (upper case)."""
    doc = read_json(names_path(lab_root, server))
    names = doc.get("names", []) if isinstance(doc, dict) else []
    return [str(n).upper() for n in names if isinstance(n, str)]


class NameOps:
    server: LabServer
    lab_root: Path

    def _name_param(self, params: dict[str, Any]) -> str:
        name = params.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_param("name", "The argument is null or empty.")
        return name.strip().upper()

    def _change_names(self, name: str, add: bool) -> tuple[list[str], bool]:
        with _lock:
            old = alternate_names(self.lab_root, self.server.name)
            names = [n for n in old if n != name] + ([name] if add else [])
            if names != old:
                write_json(names_path(self.lab_root, self.server.name), {"names": names})
            return names, sorted(names) != sorted(old)

    def op_name_add(self, params: dict[str, Any]) -> dict[str, Any]:
        names, changed = self._change_names(self._name_param(params), add=True)
        return {"names": names, "added": changed}

    def op_name_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        names, changed = self._change_names(self._name_param(params), add=False)
        return {"names": names, "removed": changed}
