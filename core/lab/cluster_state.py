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
from collections.abc import Callable, Iterable
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


def offline_path(lab_root: Path, cluster: str) -> Path:
    return lab_root / "clusters" / f"{cluster.upper()}.offline.json"


def _offline(path: Path, default: Iterable[str]) -> set[str]:
    doc = read_json(path, None)
    if not isinstance(doc, dict):  # never changed: as the estate describes them
        return {n.lower() for n in default}
    return {str(n).lower() for n in doc.get("offline", [])}


def estate_offline(lab_root: Path, cluster: str, default: Iterable[str] = ()) -> set[str]:
    """The estate's own resources of ``cluster`` that are offline (lower case): those the
    estate starts offline (``default``) until a change is saved, then the saved ones."""
    path = offline_path(lab_root, cluster)
    with _lock(path):
        return _offline(path, default)


def set_estate_online(lab_root: Path, cluster: str, name: str, online: bool,
                      default: Iterable[str] = ()) -> bool:
    """Bring an estate resource online or offline; whether that changed anything."""
    path = offline_path(lab_root, cluster)
    with _lock(path):
        old = _offline(path, default)
        new = old - {name.lower()} if online else old | {name.lower()}
        if new != old:
            write_json(path, {"offline": sorted(new)})
        return new != old
