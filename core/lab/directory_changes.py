"""The lab directory's changes, kept under the lab directory.

The lab's DIT is ldap3's in-process mock, built afresh from the estate for
every connection. What a plan changes in it (SPNs moved on failover and
back) must still be there for a later ``discover``, a later run and the
next ``lab up``, as on a real domain controller. So a writable lab
directory records the changed attributes of each entry it modifies in
``<lab>/directory.json`` (versioned), and every new DIT replays them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ldap3 import BASE, MODIFY_REPLACE, Connection

from core.atomic import read_json, write_json
from core.directory.ldap_directory import LdapDirectory

CHANGES_FILE = "directory.json"
_VERSION = 1
#: the attributes a lab plan may change (and the file may replay)
KEPT = ("servicePrincipalName",)


def changes_path(lab_root: Path) -> Path:
    return lab_root / CHANGES_FILE


def load_changes(path: Path | None) -> dict[str, dict[str, list[str]]]:
    """dn -> {attribute: values} of the kept changes (nothing when unreadable)."""
    doc = read_json(path) if path is not None else None
    if not isinstance(doc, dict) or doc.get("version") != _VERSION:
        return {}
    entries = doc.get("entries", {})
    if not isinstance(entries, dict):
        return {}
    return {str(dn): {a: [str(v) for v in vals] for a, vals in attrs.items() if a in KEPT}
            for dn, attrs in entries.items() if isinstance(attrs, dict)}


def replay(seed: Connection, path: Path | None) -> None:
    """Apply the kept changes to a freshly populated DIT (entries gone are skipped)."""
    for dn, attrs in load_changes(path).items():
        if dn.lower() in {k.lower() for k in seed.strategy.entries}:
            seed.modify(dn, {a: [(MODIFY_REPLACE, v)] for a, v in attrs.items()})


class KeptLabDirectory(LdapDirectory):
    """A writable lab directory that records what it changes (see the module)."""

    def __init__(self, conn: Connection, path: Path, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self._path = path

    def _modify(self, dn: str, op: str, values: Sequence[str]) -> None:
        super()._modify(dn, op, values)
        self._keep(dn)

    def _keep(self, dn: str) -> None:
        """Record the entry's kept attributes as they are now."""
        with self._lock:
            self._conn.search(dn, "(objectClass=*)", BASE, attributes=list(KEPT))
            found = self._conn.response or []
            attrs = found[0].get("attributes", {}) if found else {}
            entries = load_changes(self._path)
            entries[dn] = {a: [str(v) for v in (attrs.get(a) or [])] for a in KEPT}
            write_json(self._path, {"version": _VERSION, "entries": entries})
