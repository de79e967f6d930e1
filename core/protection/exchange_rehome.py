"""Exchange failover in the directory (SPEC F-9.2, the guide's EFO utility).

Failover rehomes the source's mailboxes and public folder stores to the
target: each user whose ``homeMDB`` is a store of a protected storage group
of the source gets the target's store of the same storage group and name,
the target's ``legacyExchangeDN`` as ``msExchHomeServerName`` and its MTA
as ``homeMTA``; each mailbox store whose ``msExchHomePublicMDB`` is a public
store of the source gets the target's. Failback puts back exactly what
failover moved (a user the target had of its own stays where it is); the
public folders go back in post-restore, after the source's data is back.

What was moved is recorded, entry by entry as it is written, in
``<state>/exchange/<SRC>_<TGT>.json`` (versioned), so a resumed run neither
moves twice nor forgets, and each run appends what it did to the Exchange
failover log of both servers (``<logs>/exchange/<SERVER>.log``).

The work goes over LDAP from the console (:meth:`Context.directory`,
writable), on the targeted domain controller when one is set (Exchange 2003).
Then, with force AD replication on, it waits (at most the max wait) until
every other domain controller of the domain returns the new values; a wait
that runs out is logged and failover goes on, as the guide says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.errors import AppmgrError, NotFound
from core.ports import Directory, ExchangeHome

MAILBOX_ATTRS = ("homeMDB", "msExchHomeServerName", "homeMTA")
PUBLIC_ATTR = "msExchHomePublicMDB"
_VERSION = 1
#: how often the replication wait reads the other domain controllers
POLL_SECONDS = 1.0


@dataclass
class Rehome:
    """One run's context: who moves where, where it is recorded and logged."""

    directory: Directory
    source: str
    target: str
    state_path: Path
    log: Callable[[str], Any]

    def load(self) -> list[dict[str, Any]]:
        doc = read_json(self.state_path)
        if not isinstance(doc, dict) or doc.get("version") != _VERSION:
            return []
        moved = doc.get("moved", [])
        return [m for m in moved if isinstance(m, dict) and isinstance(m.get("dn"), str)]

    def save(self, moved: list[dict[str, Any]]) -> None:
        write_json(self.state_path, {"version": _VERSION, "source": self.source,
                                     "target": self.target, "moved": moved})


def state_path(state_dir: Path, source: str, target: str) -> Path:
    return state_dir / "exchange" / f"{source.upper()}_{target.upper()}.json"


def store_map(src: ExchangeHome, tgt: ExchangeHome, groups: Sequence[str]) -> dict[str, str]:
    """Source store DN (lower case) -> the target's store in the storage group of the same
    name: the store of the same name, else of the same name with the server's name in it
    changed (Exchange 2003 names its stores "Mailbox Store (SERVER)"), else the group's only
    store of that kind."""
    chosen = {g.upper() for g in groups}
    out = {}
    for s in src.stores:
        if chosen and s.storage_group.upper() not in chosen:
            continue
        same = [t for t in tgt.stores
                if t.storage_group.upper() == s.storage_group.upper() and t.kind == s.kind]
        renamed = s.name.upper().replace(src.server.upper(), tgt.server.upper())
        found = ([t for t in same if t.name.upper() == s.name.upper()]
                 or [t for t in same if t.name.upper() == renamed]
                 or (same if len(same) == 1 else []))
        if not found:
            raise NotFound(f"{tgt.server} has no {s.kind} store for {s.storage_group}/{s.name} "
                           f"to rehome {src.server}'s to")
        out[s.dn.lower()] = found[0].dn
    return out


def fail_over(run: Rehome, groups: Sequence[str]) -> tuple[int, int, dict[str, dict[str, str]]]:
    """Move the source's mailboxes and public folder stores to the target; returns the
    mailboxes and mailbox stores moved by this run and the values written per DN."""
    d = run.directory
    src, tgt = d.exchange_home(run.source), d.exchange_home(run.target)
    stores = store_map(src, tgt, groups)
    kinds = {s.dn.lower(): s.kind for s in src.stores}
    moved = run.load()
    known = {m["dn"].lower() for m in moved}
    mailbox_dns = [dn for dn in stores if kinds[dn] == "mailbox"]
    public_dns = [dn for dn in stores if kinds[dn] == "public"]
    changed: dict[str, dict[str, str]] = {}
    users = d.entries_with("homeMDB", mailbox_dns, attributes=MAILBOX_ATTRS) if mailbox_dns \
        else []
    for dn, before in users:
        after = {"homeMDB": stores[before["homeMDB"].lower()],
                 "msExchHomeServerName": tgt.legacy_dn, "homeMTA": tgt.mta_dn}
        d.replace_attributes(dn, after)
        _record(run, moved, known, dn, "mailbox", before, after)
        changed[dn] = after
        run.log(f"mailbox {_cn(dn)}: {_cn(before['homeMDB'])} on {src.server} -> "
                f"{_cn(after['homeMDB'])} on {tgt.server}")
    homes = d.entries_with(PUBLIC_ATTR, public_dns, base="config") if public_dns else []
    for dn, before in homes:
        after = {PUBLIC_ATTR: stores[before[PUBLIC_ATTR].lower()]}
        d.replace_attributes(dn, after)
        _record(run, moved, known, dn, "public", before, after)
        changed[dn] = after
        run.log(f"public folders of store {_cn(dn)}: {_cn(before[PUBLIC_ATTR])} on "
                f"{src.server} -> {_cn(after[PUBLIC_ATTR])} on {tgt.server}")
    return len(users), len(homes), changed


def put_back(run: Rehome, kind: str) -> tuple[int, int, dict[str, dict[str, str]]]:
    """Put the recorded entries of ``kind`` ("mailbox" | "public") back as failover found
    them; returns (put back, left as they are, DNs changed)."""
    d = run.directory
    moved = run.load()
    back = kept = 0
    changed: dict[str, dict[str, str]] = {}
    others = [m for m in moved if m.get("kind") != kind]
    pending = [m for m in moved if m.get("kind") == kind]
    for i, m in enumerate(pending):
        before, after = m.get("before", {}), m.get("after", {})
        try:
            now = d.read_attributes(m["dn"], list(before))
        except NotFound:
            run.log(f"{_cn(m['dn'])} no longer exists: nothing to put back")
            run.save(others + pending[i + 1:])
            continue
        if _same(now, before):
            run.log(f"{_cn(m['dn'])} is already back on {run.source.upper()}")
        elif _same(now, after):
            d.replace_attributes(m["dn"], before)
            changed[m["dn"]] = before
            back += 1
            run.log(f"{kind} {_cn(m['dn'])}: back on {run.source.upper()} "
                    f"({', '.join(_cn(v) for v in before.values())})")
        else:
            kept += 1
            run.log(f"{kind} {_cn(m['dn'])} was changed since failover: left as it is")
        run.save(others + pending[i + 1:])  # done with it: a resumed run starts after
    return back, kept, changed


def wait_replication(directory: Directory, open_dc: Callable[[str], Directory] | None,
                     changed: dict[str, dict[str, str]], force: bool, max_wait_s: float,
                     clock: Any) -> str:
    """Wait until every other domain controller returns the values written (bounded)."""
    if not changed:
        return "AD replication: nothing changed, nothing to wait for"
    if not force:
        return "AD replication: force AD replication is off, not waited for"
    written = directory.bound_to().lower()
    others = [dc for dc in directory.domain_controllers()
              if dc.lower() != written and dc.split(".")[0].lower() != written.split(".")[0]]
    if not others:
        return (f"AD replication: {written} is the only domain controller; the changes are "
                "already everywhere (waited 0 s)")
    if open_dc is None:
        return f"AD replication: cannot reach {', '.join(others)} from here, not waited for"
    start = clock.monotonic()
    deadline = start + max_wait_s
    said = []
    for dc in others:
        try:
            other = open_dc(dc)
        except AppmgrError as exc:
            said.append(f"{dc} unreachable ({exc})")
            continue
        try:
            while not all(_same(other.read_attributes(dn, list(want)), want)
                          for dn, want in changed.items()):
                if clock.monotonic() >= deadline:
                    said.append(f"{dc} did not have every change after "
                                f"{max_wait_s / 60:g} min (failover goes on)")
                    break
                clock.sleep(POLL_SECONDS)
            else:
                said.append(f"{dc} has them after {clock.monotonic() - start:.1f} s")
        except AppmgrError as exc:
            said.append(f"{dc} could not be read ({exc})")
        finally:
            other.close()
    return f"AD replication of {len(changed)} change(s) from {written}: " + "; ".join(said)


def _record(run: Rehome, moved: list[dict[str, Any]], known: set[str], dn: str, kind: str,
            before: dict[str, str], after: dict[str, str]) -> None:
    if dn.lower() not in known:  # a resumed run keeps what the first one found
        moved.append({"dn": dn, "kind": kind, "before": dict(before), "after": after})
        known.add(dn.lower())
    run.save(moved)


def _same(now: dict[str, str], want: dict[str, str]) -> bool:
    return all(now.get(a, "").lower() == v.lower() for a, v in want.items())


def _cn(dn: str) -> str:
    return dn.split(",", 1)[0].partition("=")[2] or dn

