"""Resources created on a lab cluster at run time (the ``cluster_resource`` operation).

A cluster's resources belong to the cluster, not to one node: every node's
endpoint reads and changes the same list, kept in ``<lab>/clusters/NAME.json``
(atomic writes). All the lab's endpoints run in one process, so one lock per
cluster in this process serialises the changes. The estate's own resources
(a virtual server's IP address, network name, disks and application
resources) are not in the file: they cannot be created or deleted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from core.atomic import read_json, write_json

T = TypeVar("T")
_LOCKS: dict[Path, threading.Lock] = {}
_GUARD = threading.Lock()


@dataclass
class LabResource:
    name: str
    type: str
    group: str
    private: dict[str, str] = field(default_factory=dict)
    depends: list[str] = field(default_factory=list)
    online: bool = False

    @property
    def ip(self) -> str:
        return self.private.get("Address", "") if self.type == "IP Address" else ""

    @property
    def network_name(self) -> str:
        return self.private.get("Name", "") if self.type == "Network Name" else ""


def state_path(lab_root: Path, cluster: str) -> Path:
    return lab_root / "clusters" / f"{cluster.upper()}.json"


def _lock(path: Path) -> threading.Lock:
    with _GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


def _load(path: Path) -> list[LabResource]:
    doc = read_json(path, {}) or {}
    out = []
    for r in doc.get("resources", []) if isinstance(doc, dict) else []:
        try:
            out.append(LabResource(str(r["name"]), str(r["type"]), str(r["group"]),
                                   {str(k): str(v) for k, v in r.get("private", {}).items()},
                                   [str(d) for d in r.get("depends", [])],
                                   bool(r.get("online", False))))
        except (KeyError, TypeError, AttributeError):
            continue  # a damaged entry: the rest of the cluster still answers
    return out


def resources(lab_root: Path, cluster: str) -> list[LabResource]:
    """The resources created on ``cluster`` so far (in creation order)."""
    path = state_path(lab_root, cluster)
    with _lock(path):
        return _load(path)


def change(lab_root: Path, cluster: str, edit: Callable[[list[LabResource]], T]) -> T:
    """Apply ``edit`` to the cluster's list under its lock and save it; ``edit``'s result."""
    path = state_path(lab_root, cluster)
    with _lock(path):
        found = _load(path)
        result = edit(found)
        doc: dict[str, Any] = {"resources": [asdict(r) for r in found]}
        write_json(path, doc)
        return result
