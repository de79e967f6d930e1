"""DNS failover and failback: on the wire against the lab server, and planned against a fake."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.dns.adapter import DnspythonDns
from core.dns.dfo_log import DfoLog, read_dfo_log
from core.dns.failover import build_failover, plan_failback, plan_failover
from core.dns.failover_run import DONE, FAILED, NOT_RUN, run_failback, run_failover
from core.dns.failover_state import FAILED_BACK, FAILED_OVER, load_state
from core.errors import InvalidInput, NotFound, Refused, StateError
from core.lab.dns_server import LabDnsServer
from core.ports import RRSet, ZoneChange

ZONE, REV = "lab.example.com.", "42.0.127.in-addr.arpa."
FS01, FS02, FS03 = "fs01.lab.example.com.", "fs02.lab.example.com.", "fs03.lab.example.com."
PTR11, PTR12 = "11.42.0.127.in-addr.arpa.", "12.42.0.127.in-addr.arpa."
MAP = {"127.0.42.11": "127.0.42.12"}


def fixed_clock() -> datetime:
    return datetime(2025, 3, 1, 10, 15, 2, tzinfo=UTC)


def records(server: LabDnsServer) -> dict[str, object]:
    """Every record except the SOAs (whose serials move on with each update)."""
    return {str(o): [r for r in z.to_json() if r["type"] != "SOA"] for o, z in server.zones.items()}


def add_mx(client: DnspythonDns) -> None:
    client.apply(ZoneChange(ZONE, replace=(RRSet(ZONE, "MX", 300, (f"10 {FS01}", f"20 {FS03}")),)))


def test_failover_then_failback_round_trip(client: DnspythonDns, lab_dns: LabDnsServer,
                                           tmp_path: Path) -> None:
    add_mx(client)
    before = records(lab_dns)
    log = DfoLog(tmp_path / "logs", ["FS01", "FS02"], clock=fixed_clock)
    state = tmp_path / "state" / "FS01.json"
    results = run_failover(client, FS01, FS02, MAP, state, log, ttl=60)
    assert [(r.zone, r.status) for r in results] == [(ZONE, DONE), (REV, DONE)]
    assert client.lookup(FS01, "A") == RRSet(FS01, "A", 60, ("127.0.42.12",))
    assert client.lookup(ZONE, "MX") == RRSet(ZONE, "MX", 60, (f"10 {FS02}", f"20 {FS03}"))
    assert client.lookup(PTR12, "PTR") == RRSet(PTR12, "PTR", 60, (FS01, FS02))
    assert client.lookup(PTR11, "PTR") is None
    assert client.lookup(FS02, "A") == RRSet(FS02, "A", 1200, ("127.0.42.12",))  # untouched
    saved = load_state(state)
    assert saved is not None and saved.status == FAILED_OVER
    results = run_failback(client, state, log)
    assert all(r.ok for r in results) and len(results) == 2
    assert records(lab_dns) == before  # A, PTR, MX and their TTLs exactly as they were
    saved = load_state(state)
    assert saved is not None and saved.status == FAILED_BACK
    lines = read_dfo_log(tmp_path / "logs", "FS02")
    assert lines == read_dfo_log(tmp_path / "logs", "fs01")
    assert lines[0].startswith("2025-03-01T10:15:02Z  DNS failover of fs01.lab.example.com.")
    assert any(f"A {FS01}: 127.0.42.11 -> 127.0.42.12 (TTL 60)" in ln for ln in lines)
    assert any("DNS failback of fs01.lab.example.com. finished" in ln for ln in lines)


def test_repeated_failover_keeps_the_first_originals(client: DnspythonDns, lab_dns: LabDnsServer,
                                                     tmp_path: Path) -> None:
    before = records(lab_dns)
    log = DfoLog(tmp_path, "FS01")
    state = tmp_path / "FS01.json"
    assert all(r.ok for r in run_failover(client, FS01, FS02, MAP, state, log, ttl=60))
    assert run_failover(client, FS01, FS02, MAP, state, log, ttl=60) == []  # nothing left to change
    assert any("nothing to change" in ln for ln in read_dfo_log(tmp_path, "FS01"))
    assert all(r.ok for r in run_failback(client, state, log))
    assert records(lab_dns) == before


class Meddler:
    """A Dns that lets someone else change fs01's A record between planning and applying."""

    def __init__(self, inner: DnspythonDns) -> None:
        self.inner = inner
        self.lookup, self.zone_of, self.probe_update = inner.lookup, inner.zone_of, inner.probe_update

    def apply(self, change: ZoneChange) -> None:
        self.inner.apply(ZoneChange(ZONE, replace=(RRSet(FS01, "A", 1200, ("127.0.42.99",)),)))
        self.inner.apply(change)


def test_a_record_changed_meanwhile_stops_the_run(client: DnspythonDns, lab_dns: LabDnsServer,
                                                  tmp_path: Path) -> None:
    log = DfoLog(tmp_path, "FS01")
    results = run_failover(Meddler(client), FS01, FS02, MAP, tmp_path / "s.json", log)
    assert [r.status for r in results] == [FAILED, NOT_RUN]
    assert "changed since they were read" in results[0].message
    assert client.lookup(FS01, "A") == RRSet(FS01, "A", 1200, ("127.0.42.99",))  # theirs, not ours
    assert client.lookup(PTR11, "PTR") is not None  # reverse zone never touched
    last = read_dfo_log(tmp_path, "FS01", last=1)[0]
    assert f"zones done: none; left: {ZONE}, {REV}" in last


def test_failback_without_a_failover_is_a_state_error(client: DnspythonDns, tmp_path: Path) -> None:
    with pytest.raises(StateError):
        run_failback(client, tmp_path / "none.json", DfoLog(tmp_path, "FS01"))


def test_planning_errors_are_logged_not_raised(client: DnspythonDns, tmp_path: Path) -> None:
    results = run_failover(client, "nosuch.lab.example.com", FS02, MAP, tmp_path / "s.json",
                           DfoLog(tmp_path, "FS01"))
    assert [r.status for r in results] == [FAILED] and "no A record" in results[0].message
    assert not (tmp_path / "s.json").exists()


# --- planning against an in-memory Dns ------------------------------------------------
class FakeDns:
    def __init__(self, zones: list[str], rrsets: list[RRSet]) -> None:
        self.zones = zones
        self.data = {(r.name, r.rdtype): r for r in rrsets}
        self.applied: list[ZoneChange] = []

    def lookup(self, name: str, rdtype: str) -> RRSet | None:
        return self.data.get((name, rdtype))

    def zone_of(self, name: str) -> str:
        found = [z for z in self.zones if name == z or name.endswith("." + z)]
        if not found:
            raise NotFound(name)
        return max(found, key=len)

    def apply(self, change: ZoneChange) -> None:
        for rr in change.expect:
            cur = self.data.get((rr.name, rr.rdtype))
            if set(rr.values) != set(cur.values if cur else ()):
                raise Refused("the records changed since they were read")
        for rr in change.replace:
            self.data[(rr.name, rr.rdtype)] = rr
        for key in change.delete:
            self.data.pop(key, None)
        self.applied.append(change)

    def probe_update(self, zone: str) -> None:
        pass


def test_plan_maps_only_monitored_ips_and_keeps_other_names() -> None:
    dns = FakeDns([ZONE, REV], [
        RRSet(FS01, "A", 600, ("127.0.42.11", "127.0.42.21")),
        RRSet(FS01, "MX", 600, (f"5 {FS01}",)),
        RRSet(PTR11, "PTR", 600, (FS01, "files.lab.example.com.")),
    ])
    changes = plan_failover(dns, "FS01.lab.example.com", "fs02.lab.example.com", MAP)
    assert [c.zone for c in changes] == [ZONE, REV]
    fwd, rev = changes
    assert fwd.replace == (RRSet(FS01, "A", 600, ("127.0.42.12", "127.0.42.21")),
                           RRSet(FS01, "MX", 600, (f"5 {FS02}",)))
    assert fwd.expect[0] == RRSet(FS01, "A", 600, ("127.0.42.11", "127.0.42.21"))
    assert RRSet(PTR12, "PTR", 0, ()) in rev.expect  # "must not exist yet" prerequisite
    assert rev.replace == (RRSet(PTR12, "PTR", 600, (FS01,)),
                           RRSet(PTR11, "PTR", 600, ("files.lab.example.com.",)))


def test_plan_without_reverse_zone_notes_it_and_failback_restores() -> None:
    dns = FakeDns([ZONE], [RRSet(FS01, "A", 600, ("127.0.42.11",))])
    plan = build_failover(dns, FS01, FS02, MAP, ttl=30)
    assert len(plan.changes) == 1 and any("no reverse zone" in n for n in plan.notes)
    for change in plan.changes:
        dns.apply(change)
    assert dns.lookup(FS01, "A") == RRSet(FS01, "A", 30, ("127.0.42.12",))
    from core.dns.failover_state import FailoverState
    state = FailoverState(FS01, FS02, tuple(MAP.items()), 30, plan.originals)
    for change in plan_failback(dns, state):
        dns.apply(change)
    assert dns.lookup(FS01, "A") == RRSet(FS01, "A", 600, ("127.0.42.11",))


@pytest.mark.parametrize("ip_map, ttl, error", [
    ({}, None, InvalidInput),
    ({"127.0.42.11": "127.0.42.12", "127.0.42.21": "127.0.42.12"}, None, InvalidInput),
    ({"127.0.42.11": "not-an-ip"}, None, InvalidInput),
    ({"127.0.42.11": "127.0.42.11"}, None, InvalidInput),
    (MAP, -1, InvalidInput),
])
def test_plan_refuses_bad_input(ip_map: dict[str, str], ttl: int | None, error: type) -> None:
    dns = FakeDns([ZONE], [RRSet(FS01, "A", 600, ("127.0.42.11",))])
    with pytest.raises(error):
        plan_failover(dns, FS01, FS02, ip_map, ttl)


def test_plan_needs_an_a_record() -> None:
    with pytest.raises(NotFound, match="no A record"):
        plan_failover(FakeDns([ZONE], []), FS01, FS02, MAP)


def test_state_file_holds_no_secret_and_is_private(client: DnspythonDns, lab_key, tmp_path: Path) -> None:
    state = tmp_path / "FS01.json"
    run_failover(client, FS01, FS02, MAP, state, DfoLog(tmp_path, "FS01"))
    assert lab_key.secret not in state.read_text()
    assert json.loads(state.read_text())["status"] == FAILED_OVER
    assert state.stat().st_mode & 0o077 == 0
    assert lab_key.secret not in (tmp_path / "dfo" / "FS01.log").read_text()


def test_failover_logic_does_not_load_dnspython() -> None:
    code = ("import sys, core.dns.failover_run, core.dns.dfo_log, core.dns.tsig_key\n"
            "print(any(k == 'dns' or k.startswith('dns.') for k in sys.modules))")
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
