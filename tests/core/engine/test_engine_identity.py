"""Identity failover in the engine (F-9.5): what it runs, in which order, and its record."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from core.engine.clock import FakeClock
from core.engine.identity import (
    HostOpFailed,
    HostRunner,
    IdentityRecord,
    IdentitySpec,
    release,
    take,
)
from core.engine.identity_book import IdentityBook
from tests.core.hosts.test_hosts_ops import MAXIMAL

SPEC = IdentitySpec(("127.0.10.11",), 24, "", "FS01",
                    ({"name": "Data", "path": "E:\\Shares\\Data", "description": "d"},), True)


class Recorder(HostRunner):
    def __init__(self, fail: dict[str, str] | None = None) -> None:
        super().__init__(["recorder"])
        self.ran: list[tuple[str, dict[str, Any]]] = []
        self.fail = dict(fail or {})

    def run(self, op: str, params: dict[str, Any]) -> Any:
        self.ran.append((op, params))
        if op in self.fail:
            raise HostOpFailed(self.fail.pop(op))
        return {}


def test_take_runs_addresses_then_name_then_shares_with_the_scripts_parameters() -> None:
    r = Recorder()
    rec = take(IdentityRecord(SPEC), r, 5.0)
    assert [op for op, _ in r.ran] == ["ip_add", "name_add", "share_add"]
    for op, params in r.ran:  # exactly what each script reads ($p.<name>)
        assert set(params) == set(MAXIMAL[op]), op
    assert (rec.state, rec.at) == ("taken", 5.0)
    assert rec.done == ["ip:127.0.10.11", "name:FS01", "share:Data"]
    r.ran.clear()
    assert take(rec, r, 6.0).state == "taken" and r.ran == []  # nothing runs twice


def test_a_failed_part_stops_is_recorded_and_a_retake_goes_on_from_there() -> None:
    r = Recorder({"name_add": "Access is denied"})
    rec = take(IdentityRecord(SPEC), r, 1.0)
    assert rec.state == "failed" and rec.done == ["ip:127.0.10.11"]
    assert "name:FS01" in rec.error and "Access is denied" in rec.error
    r.ran.clear()
    rec = take(rec, r, 2.0)
    assert [op for op, _ in r.ran] == ["name_add", "share_add"] and rec.state == "taken"


def test_release_gives_back_last_taken_first_and_tolerates_what_is_gone() -> None:
    r = Recorder({"ip_remove": "The address 127.0.10.11 is not assigned to this server"})
    rec = release(IdentityRecord(SPEC, "taken", 1.0, ["ip:127.0.10.11", "name:FS01",
                                                      "share:Data"]), r, 2.0)
    assert [(op, p) for op, p in r.ran] == [("share_remove", {"name": "Data"}),
                                            ("name_remove", {"name": "FS01"}),
                                            ("ip_remove", {"ip": "127.0.10.11"})]
    assert (rec.state, rec.done) == ("ready", [])
    bad = release(IdentityRecord(SPEC, "taken", 1.0, ["name:FS01"]),
                  Recorder({"name_remove": "Access is denied"}), 3.0)
    assert bad.state == "failed" and bad.done == ["name:FS01"] and "giving back" in bad.error


def test_an_engine_without_a_host_runner_says_so() -> None:
    rec = take(IdentityRecord(SPEC), HostRunner(None), 1.0)
    assert rec.state == "failed" and "cannot change its host" in rec.error


def test_a_runner_command_gets_the_rendered_script_and_answers_json() -> None:
    echo = HostRunner([sys.executable, "-c",
                       "import json,sys; s=sys.stdin.read(); print(json.dumps(s.splitlines()[0]))"])
    assert echo.run("ip_add", {"ip": "127.0.10.11", "prefix": 24, "nic": ""}) == \
        "# appmgr-op: ip_add"
    failing = HostRunner([sys.executable, "-c", "import sys; sys.stderr.write('no luck'); "
                                                "sys.exit(1)"])
    with pytest.raises(HostOpFailed, match="ip_remove failed: no luck"):
        failing.run("ip_remove", {"ip": "127.0.10.11"})


def test_the_monitor_condition_takes_over_only_when_registered_as_auto() -> None:
    async def scenario() -> tuple[list[str], dict[str, Any]]:
        r = Recorder()
        saved: list[int] = []
        book = IdentityBook({}, r, FakeClock(), lambda: saved.append(1))
        book.register("set1", IdentitySpec(SPEC.ips, name="FS01", auto=False))
        book.on_failure("set1")  # manual intervention: the console asks
        await asyncio.sleep(0)
        assert r.ran == [] and book.status("set1")["state"] == "ready"
        book.register("set1", IdentitySpec(SPEC.ips, name="FS01", auto=True))
        book.on_failure("set1")
        for _ in range(200):
            if book.status("set1")["state"] == "taken":
                break
            await asyncio.sleep(0.01)
        return [op for op, _ in r.ran], book.status("set1")

    ops, status = asyncio.run(scenario())
    assert ops == ["ip_add", "name_add"] and status["state"] == "taken"


def test_what_is_taken_cannot_be_changed_or_removed_before_it_is_given_back() -> None:
    from core.engine.protocol import RemoteError

    book = IdentityBook({"s": IdentityRecord(SPEC, "taken", 1.0, ["name:FS01"])}, Recorder(),
                        FakeClock(), lambda: None)
    with pytest.raises(RemoteError, match="give it back"):
        book.unregister("s")
    with pytest.raises(RemoteError, match="give it back"):
        book.register("s", IdentitySpec(name="FS09"))
    book.register("s", SPEC)  # the same spec again (enable, reprotect): kept as it is
    assert book.status("s")["done"] == ["name:FS01"]


def test_an_engine_state_file_from_before_identity_failover_reads_as_none_registered(
        tmp_path) -> None:
    import json

    from core.engine.state import FORMAT, StateStore

    store = StateStore(tmp_path)
    older = {"format": FORMAT, "sets": {}, "accepts": {}, "connections": {}, "monitors": {}}
    store.file.write_text(json.dumps(older))
    assert store.load()["identities"] == {}
    rec = IdentityRecord(SPEC, "taken", 1.0, ["name:FS01"])
    store.save({**store.load(), "identities": {"s": rec.to_dict()}})
    assert IdentityRecord.from_dict(store.load()["identities"]["s"]) == rec


def test_a_real_target_engine_takes_over_when_its_monitor_declares_the_failure(pair) -> None:
    """Through the management API: registered as auto, the target's engine runs the take
    itself once its monitor meets the condition; release gives it back; a bad request
    is refused at the wire."""
    from core.errors import Refused

    from .harness import PORT, share_heartbeat_key, wait_for

    src, tgt = pair
    assert tgt.svc is not None
    r = Recorder()
    tgt.svc.identities.runner = r
    t = tgt.client()
    share_heartbeat_key(src, tgt, "mon")
    rec = t.set_identity("mon", [src.ip], 24, "", "FS01",
                         [{"name": "Data", "path": "E:\\Shares\\Data", "description": ""}], True)
    assert rec["state"] == "ready"
    t.create_monitor("mon", [src.ip], PORT, "heartbeat", interval=0.1, missed=3, trigger="all")
    wait_for(lambda: t.monitor_status("mon").last_heartbeat, 3, "first heartbeat")
    assert r.ran == []  # the source answers: nothing is taken
    src.stop()
    wait_for(lambda: t.identity_status("mon")["state"] == "taken", 5, "the takeover")
    assert [op for op, _ in r.ran] == ["ip_add", "name_add", "share_add"]
    assert t.take_identity("mon")["state"] == "taken" and len(r.ran) == 3  # not twice
    assert t.release_identity("mon")["state"] == "ready"
    assert [op for op, _ in r.ran[3:]] == ["share_remove", "name_remove", "ip_remove"]
    t.delete_identity("mon")
    with pytest.raises(Refused, match="not a server name"):
        t.set_identity("mon", [], 24, "", "a b", [], False)
