"""What a DNS failover changed, saved so that failback restores exactly the records of before.

One small JSON file per protected source (the caller chooses the path, e.g.
``<state>/dfo/FS01.json``), written atomically before the first change and
after the last, so a crash in between still leaves the original records.
It holds record values only, never a secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.errors import StateError
from core.ports import RRSet

FAILING_OVER = "failing_over"
FAILED_OVER = "failed_over"
FAILING_BACK = "failing_back"
FAILED_BACK = "failed_back"
#: States in which the DNS still holds (some of) the failover records.
ACTIVE = (FAILING_OVER, FAILED_OVER, FAILING_BACK)


@dataclass(frozen=True)
class SavedRRSet:
    """An rrset as it was before failover; empty ``rrset.values`` means it did not exist."""

    zone: str
    rrset: RRSet


@dataclass(frozen=True)
class FailoverState:
    source_fqdn: str
    target_fqdn: str
    ip_map: tuple[tuple[str, str], ...]
    ttl: int | None
    originals: tuple[SavedRRSet, ...] = ()
    status: str = FAILING_OVER
    zones_done: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "source_fqdn": self.source_fqdn,
            "target_fqdn": self.target_fqdn,
            "ip_map": [list(p) for p in self.ip_map],
            "ttl": self.ttl,
            "status": self.status,
            "zones_done": list(self.zones_done),
            "originals": [
                {"zone": s.zone, "name": s.rrset.name, "type": s.rrset.rdtype,
                 "ttl": s.rrset.ttl, "values": list(s.rrset.values)}
                for s in self.originals
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FailoverState:
        originals = tuple(
            SavedRRSet(str(o["zone"]), RRSet(str(o["name"]), str(o["type"]), int(o["ttl"]),
                                             tuple(str(v) for v in o["values"])))
            for o in data["originals"]
        )
        ttl = data.get("ttl")
        return cls(
            source_fqdn=str(data["source_fqdn"]),
            target_fqdn=str(data["target_fqdn"]),
            ip_map=tuple((str(a), str(b)) for a, b in data["ip_map"]),
            ttl=int(ttl) if isinstance(ttl, int) else None,
            originals=originals,
            status=str(data["status"]),
            zones_done=tuple(str(z) for z in data.get("zones_done", [])),
        )


def save_state(path: Path, state: FailoverState) -> None:
    """Write ``state`` atomically (readers see the old or the new file, never half)."""
    write_json(path, state.to_json(), mode=0o600)


def load_state(path: Path) -> FailoverState | None:
    """The saved state at ``path``; None when there is none; StateError when it is damaged."""
    try:
        data = read_json(path)
    except (OSError, ValueError) as exc:
        raise StateError(f"the DNS failover record {path} cannot be read: {exc}") from None
    if data is None:
        return None
    try:
        return FailoverState.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"the DNS failover record {path} is damaged ({type(exc).__name__})") from None


def merge_originals(first: tuple[SavedRRSet, ...], later: tuple[SavedRRSet, ...]) -> tuple[SavedRRSet, ...]:
    """``first`` plus the rrsets of ``later`` it does not hold: after a repeated or resumed
    failover the records read before the first attempt are the ones failback must restore."""
    seen = {(s.rrset.name, s.rrset.rdtype) for s in first}
    return first + tuple(s for s in later if (s.rrset.name, s.rrset.rdtype) not in seen)
