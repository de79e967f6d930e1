"""The validation runner: report shape, concurrency, deadlines, failures, Fix."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import InvalidInput, NotFound, Refused, Unreachable
from core.validation import Status, fix, fix_all, get_check, registered_checks, validate
from core.validation.base import GROUPS, Check, Outcome, error, passed
from tests.core.doubles import ENGINE_SERVICE, FakeWorld
from tests.core.validation.vhelp import config_for

HERE = Path(__file__).parent


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """An event that a hanging fake waits on; set at teardown so no thread stays blocked."""
    ev = threading.Event()
    yield ev
    ev.set()


def test_fs01_to_fs02_is_ok_and_json_has_the_stable_shape(world: FakeWorld) -> None:
    report = validate(world.ctx, config_for(world))
    data = json.loads(report.to_json())
    assert set(data) == {"ok", "counts", "groups", "results"} and data["ok"] is True
    assert data == report.to_dict()
    assert sum(data["counts"].values()) == len(data["results"])
    assert list(data["groups"]) == [g for g in GROUPS if any(r["group"] == g
                                                             for r in data["results"])]
    for group, counts in data["groups"].items():
        assert sum(counts.values()) == sum(r["group"] == group for r in data["results"])
    for r in data["results"]:
        assert set(r) == {"id", "title", "group", "status", "reason", "fixable"}
        assert r["status"] in {"passed", "warning", "error"} and r["group"] in GROUPS
    assert len({r["id"] for r in data["results"]}) == len(data["results"])


def test_fs01_to_fs03_fails_on_the_missing_drive(world: FakeWorld) -> None:
    report = validate(world.ctx, config_for(world, "FS01", "FS03"))
    assert not report.ok
    assert [r.id for r in report.errors] == ["servers.drives"]
    assert "E: used by share Data is missing on FS03" in report.errors[0].reason


def test_every_check_is_registered_once_and_has_its_own_test() -> None:
    checks = registered_checks()
    assert len({c.id for c in checks}) == len(checks) >= 50
    assert all(c.group in GROUPS and c.title for c in checks)
    tested = "".join(p.read_text() for p in HERE.glob("test_checks_*.py"))
    untested = [c.id for c in checks if f'"{c.id}"' not in tested]
    assert untested == []


def test_dns_checks_do_not_apply_to_identity_failover(world: FakeWorld) -> None:
    report = validate(world.ctx, config_for(world, "FS01", "FS02", "failover.type=identity"))
    ids = {r.id for r in report.results}
    assert not any(i.startswith("dns.") for i in ids) and "config.ip_map" not in ids
    assert "engine.running" in ids


def test_checks_run_concurrently(world: FakeWorld) -> None:
    started = {"a": threading.Event(), "b": threading.Event()}

    def waits_for(me: str, other: str) -> Check:
        def run(v: object) -> Outcome:
            started[me].set()
            # passes only if the other check has started before this one finishes
            return passed("together") if started[other].wait(5) else error("alone")
        return Check(f"t.{me}", me, "servers", run)

    report = validate(world.ctx, config_for(world), timeout=10,
                      checks=[waits_for("a", "b"), waits_for("b", "a")])
    assert [r.reason for r in report.results] == ["together", "together"]


def test_a_hanging_check_is_cut_at_its_timeout(world: FakeWorld, gate: threading.Event) -> None:
    def hangs(v: object) -> Outcome:
        gate.wait()
        return passed("too late")

    hang = Check("t.hang", "Hangs", "engine", hangs, touches=("source", "target"))
    quick = Check("t.quick", "Quick", "engine", lambda v: passed("fine"))
    report = validate(world.ctx, config_for(world), timeout=0.2, checks=[hang, quick])
    assert report.result("t.quick").status is Status.PASSED
    cut = report.result("t.hang")
    assert cut.status is Status.ERROR and not cut.fixable
    assert cut.reason == "no answer within 0.2 s waiting for FS01 and FS02"


def test_a_failing_check_becomes_an_error_result(world: FakeWorld) -> None:
    def boom(v: object) -> Outcome:
        raise RuntimeError("boom")

    def typed(v: object) -> Outcome:
        raise NotFound("no zone holds fs01.lab.example.com")

    report = validate(world.ctx, config_for(world), checks=[
        Check("t.boom", "Boom", "dns", boom), Check("t.typed", "Typed", "dns", typed)])
    assert report.result("t.boom").reason == "the check itself failed (RuntimeError: boom)"
    assert report.result("t.typed").reason == "no zone holds fs01.lab.example.com"
    assert not report.ok


def test_an_unreachable_server_is_named_in_each_result(world: FakeWorld) -> None:
    world.hosts["FS02"].error = Unreachable("no answer from 127.0.10.12:5985")
    world.engines["FS02"].error = Unreachable("connection refused")
    report = validate(world.ctx, config_for(world), timeout=1)
    assert not report.ok
    for cid in ("servers.credentials", "servers.os", "servers.drives", "engine.running",
                "config.consistency"):
        res = report.result(cid)
        assert res.status is Status.ERROR and "FS02" in res.reason, res


def test_a_hanging_inventory_is_reported_not_waited_for(world: FakeWorld,
                                                         gate: threading.Event) -> None:
    world.hosts["FS02"].gate = gate
    report = validate(world.ctx, config_for(world), timeout=0.2)
    assert report.result("servers.credentials").reason == "FS02 did not answer within 0.2 s"


def test_progress_lines_and_results_arrive_on_the_calling_thread(world: FakeWorld) -> None:
    lines: list[str] = []
    seen: list[tuple[str, str]] = []
    report = validate(world.ctx, config_for(world), progress=lines.append,
                      on_result=lambda r: seen.append((r.id, threading.current_thread().name)))
    assert lines[0] == "Reading FS01 and FS02"
    assert len(lines) == len(report.results) + 1
    assert all(re.match(r"\[(passed|warning|error)\] ", line) for line in lines[1:])
    assert sorted(i for i, _ in seen) == sorted(r.id for r in report.results)
    assert {t for _, t in seen} == {threading.current_thread().name}


def test_fix_starts_a_stopped_engine_then_rechecks(world: FakeWorld) -> None:
    world.hosts["FS02"].set_service(ENGINE_SERVICE, False)
    cfg = config_for(world)
    before = validate(world.ctx, cfg).result("engine.running")
    assert before.status is Status.ERROR and before.fixable
    out = fix(world.ctx, cfg, "engine.running")
    assert ("set_service", ENGINE_SERVICE, True) in world.hosts["FS02"].calls
    assert ("set_service", ENGINE_SERVICE, True) not in world.hosts["FS01"].calls
    assert out.result.status is Status.PASSED and not out.config_changed and out.config == cfg


def test_a_config_fix_returns_the_new_config(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "failover.dns.update_ttl=off")
    cfg.failover.dns.ttl = 1200
    out = fix(world.ctx, cfg, "dns.ttl")
    assert out.config_changed and out.result.status is Status.PASSED
    assert (out.config.failover.dns.ttl, out.config.failover.dns.update_ttl) == (300, True)
    assert cfg.failover.dns.ttl == 1200  # the caller's config is untouched


def test_fix_refuses_checks_without_a_fix_and_reports_a_failing_fix(world: FakeWorld) -> None:
    cfg = config_for(world)
    with pytest.raises(InvalidInput, match="cannot fix"):
        fix(world.ctx, cfg, "servers.drives")
    with pytest.raises(InvalidInput, match="no check"):
        fix(world.ctx, cfg, "no.such.check")
    world.hosts["FS01"].set_service(ENGINE_SERVICE, False)

    def refuse(name: str, running: bool) -> None:
        raise Refused("access denied starting AppMgrEngine on FS01")

    world.hosts["FS01"].set_service = refuse  # type: ignore[method-assign]
    with pytest.raises(Refused, match="access denied"):
        fix(world.ctx, cfg, "engine.running")


def test_fix_all_repairs_everything_it_can(world: FakeWorld) -> None:
    world.hosts["FS01"].set_service(ENGINE_SERVICE, False)
    cfg = config_for(world, "FS01", "FS02", "failover.dns.update_ttl=off")
    cfg.failover.dns.ttl = 900
    world.dns["127.0.10.1"].zones["lab.example.com."].clear()  # no A record: TTL from config
    first = validate(world.ctx, cfg)
    assert {r.id for r in first.fixable} == {"engine.running", "dns.ttl"}
    notes: list[str] = []
    report, new_cfg = fix_all(world.ctx, cfg, first, progress=notes.append)
    assert report.fixable == [] and new_cfg.failover.dns.ttl == 300
    # the engine first (other repairs talk to it), the configuration last
    assert [(f.id, f.ok, f.status) for f in report.fixes] == [
        ("engine.running", True, Status.PASSED), ("dns.ttl", True, Status.PASSED)]
    assert notes[:2] == ["Fixed: Engine installed and running on both servers (now passed)",
                         "Fixed: TTL of the source's records at most 300 s (now passed)"]
    assert json.loads(report.to_json())["fixes"][0] == {
        "id": "engine.running", "title": "Engine installed and running on both servers",
        "ok": True, "message": "running on FS01 and FS02", "status": "passed"}
    assert get_check("dns.ttl").fix is not None


def test_fix_all_records_a_failing_fix_and_goes_on(world: FakeWorld) -> None:
    world.hosts["FS01"].set_service(ENGINE_SERVICE, False)
    cfg = config_for(world, "FS01", "FS02", "failover.dns.update_ttl=off")
    cfg.failover.dns.ttl = 900
    world.dns["127.0.10.1"].zones["lab.example.com."].clear()

    def refuse(name: str, running: bool) -> None:
        raise Refused("access denied starting AppMgrEngine on FS01")

    world.hosts["FS01"].set_service = refuse  # type: ignore[method-assign]
    report, new_cfg = fix_all(world.ctx, cfg, validate(world.ctx, cfg))
    assert [(f.id, f.ok) for f in report.fixes] == [("engine.running", False), ("dns.ttl", True)]
    assert report.fixes[0].message == "access denied starting AppMgrEngine on FS01"
    assert str(report.fixes[0]).startswith("Could not fix Engine installed")
    assert report.result("engine.running").status is Status.ERROR
    assert new_cfg.failover.dns.ttl == 300


def test_when_rules_and_apps_choose_the_checks(world: FakeWorld) -> None:
    seen: list[str] = []
    only_sql = Check("t.sql", "SQL only", "application", lambda v: passed("x"), apps=("sql",))
    never = Check("t.never", "Never", "servers", lambda v: passed("x"), when=lambda v: False)

    def broken_rule(v: object) -> bool:
        seen.append("asked")
        return bool(1 / 0)

    broken = Check("t.broken", "Broken rule", "servers", lambda v: passed("ran"), when=broken_rule)
    report = validate(world.ctx, config_for(world), checks=[only_sql, never, broken])
    assert [r.id for r in report.results] == ["t.broken"] and seen == ["asked"]


def test_every_check_describes_its_applications_and_topology() -> None:
    docs = [c.describe() for c in registered_checks()]
    assert {d["topology"] for d in docs} >= {"any", "cluster", "database-only", "like-named"}
    by_id = {d["id"]: d for d in docs}
    assert by_id["exchange.target_not_dc"]["apps"] == ["exchange"]
    assert by_id["servers.credentials"]["apps"] == ["exchange", "sql", "fileprint",
                                                    "sharepoint", "blackberry"]
    assert by_id["sql.target_db_offline"]["fix"] is True


def test_grouped_report_keeps_group_order(world: FakeWorld) -> None:
    report = validate(world.ctx, config_for(world))
    assert list(report.grouped()) == [g for g in GROUPS if g in {r.group for r in report.results}]
    assert report.counts()["passed"] + report.counts()["warning"] == len(report.results)
