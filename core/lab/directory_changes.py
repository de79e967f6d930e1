"""The lab directory's changes, kept under the lab directory.

The lab's DIT is ldap3's in-process mock, built afresh from the estate for
every connection. What a plan changes in it (SPNs moved on failover and
back, Exchange mailboxes and public folder stores rehomed) must still be there for a later ``discover``, a later run and the
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
from core.directory.entries import decode_values
from core.directory.ldap_directory import LdapDirectory

CHANGES_FILE = "directory.json"
_VERSION = 1
#: the attributes a lab plan may change (and the file may replay)
KEPT = ("servicePrincipalName", "homeMDB", "msExchHomeServerName", "homeMTA",
        "msExchHomePublicMDB",
        # the Exchange tools (F-11): Delegate Rights, Restore Public Folder Tree
        "member", "msExchOwningPFTree")


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
            # an attribute kept empty (every SPN moved away) is removed
            seed.modify(dn, {a: [(MODIFY_REPLACE, v)] for a, v in attrs.items()})


class KeptLabDirectory(LdapDirectory):
    """A writable lab directory that records what it changes (see the module)."""

    def __init__(self, conn: Connection, path: Path, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self._path = path

    def _modify_attrs(self, dn: str, changes: dict[str, list[tuple[str, list[str]]]]) -> None:
        super()._modify_attrs(dn, changes)
        self._keep(dn, [a for a in changes if a in KEPT])

    def _keep(self, dn: str, changed: Sequence[str]) -> None:
        """Record the entry's changed attributes as they are now (raw values: ldap3 gives
        a single-valued attribute as a string, not a list)."""
        if not changed:
            return
        with self._lock:
            self._conn.search(dn, "(objectClass=*)", BASE, attributes=list(changed))
            found = [r for r in self._conn.response or [] if r.get("type") == "searchResEntry"]
            raw = found[0].get("raw_attributes", {}) if found else {}
            entries = load_changes(self._path)
            kept = entries.setdefault(dn, {})
            kept.update({a: decode_values(raw.get(a)) for a in changed})
            write_json(self._path, {"version": _VERSION, "entries": entries})
