"""The SQL plans in the guide's order (SPEC F-9.2, F-9.3): instance mode starts each
engine before its agent and stops them the other way round; database-only attaches
after the services start, detaches before anything stops, keeps the target's SQL
Server running and re-attaches the source's files after restore; failback between
SQL Server versions is refused with the reason, before anything runs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import core.protection.failback as failback_module
from core.apps import get_app
from core.config import apply_assignments, default_config
from core.errors import Refused
from core.model.pair import Pair
from core.protection.facts import facts_from
from core.protection.failback import failback
from core.protection.failover import failover
from core.protection.plan import generate
from core.protection.script import Step
from core.store import PairRecord, PairStore
from tests.core.apps.app_estate import app_servers

from .doubles import World

S = app_servers()
SQL = get_app("sql")
ENGINES = ("MSSQLSERVER", "MSSQL$INST1")
AGENTS = {"MSSQLSERVER": "SQLSERVERAGENT", "MSSQL$INST1": "SQLAgent$INST1"}


def _plans(src: str, tgt: str, *sets: str) -> tuple[dict[str, list[Step]], object]:
    cfg = apply_assignments(default_config("sql", S[src], S[tgt], dns_ttl=300), list(sets))
    facts = facts_from(cfg, S[src], S[tgt], "lab.example.com", 6320)
    return generate(cfg, facts), facts


def _names(steps: list[Step], verb: str) -> list[str]:
    return [s.args[0] for s in steps if s.verb == verb]


def test_instance_mode_starts_engines_before_agents_and_stops_them_after() -> None:
    plans, facts = _plans("SQL01", "SQL02")
    starts = _names(plans["post-failover"], "start-service")
    stops = _names(plans["pre-failback"], "stop-service")
    for engine, agent in AGENTS.items():
        assert starts.index(engine) < starts.index(agent)  # the agent needs its engine
        assert stops.index(agent) < stops.index(engine)
    assert stops == list(reversed(starts))  # instance mode: the target stops everything
    assert _names(plans["post-restore"], "start-service") == starts  # on the source
    assert not {"sql-attach", "sql-detach"} & {s.verb for p in plans.values() for s in p}
    assert SQL.failback_refusal(facts) == ""


def test_database_only_attaches_after_the_services_and_keeps_sql_running() -> None:
    plans, _ = _plans("SQL01", "SQL02", "connection.sql_mode=database")
    pf = [s.verb for s in plans["post-failover"]]
    attaches = [s for s in plans["post-failover"] if s.verb == "sql-attach"]
    assert [(s.args[0], s.args[1]) for s in attaches] == [
        ("MSSQLSERVER", "sales"), ("MSSQLSERVER", "hr"), ("INST1", "crm")]
    last_start = max(i for i, v in enumerate(pf) if v == "start-service")
    assert pf.index("sql-attach") > last_start and pf[-1] == "dns-failover"

    pb = plans["pre-failback"]
    assert [(s.verb, s.args[1]) for s in pb[:3]] == [
        ("sql-detach", "crm"), ("sql-detach", "hr"), ("sql-detach", "sales")]
    stopped = set(_names(pb, "stop-service"))
    assert not stopped & {*ENGINES, *AGENTS.values()}  # the target's SQL Server serves on
    assert pb[-1].verb == "dns-failback"

    pr = plans["post-restore"]
    again = [s for s in pr if s.verb == "sql-attach"]
    assert [s.options for s in again] == [{"on": "source"}] * 3
    sales = next(d for d in S["SQL01"].apps.sql[0].databases if d.name == "sales")
    assert again[0].args[2:] == tuple(f.path for f in sales.files)  # the source's own paths
    assert [s.verb for s in pr].index("sql-attach") > max(
        i for i, s in enumerate(pr) if s.verb == "start-service")


def test_failback_between_sql_versions_is_refused_with_the_reason() -> None:
    # database-only allows a newer target (a migration 2005 -> 2008); failback does not
    _, facts = _plans("SQL03", "SQL01", "connection.sql_mode=database")
    reason = SQL.failback_refusal(facts)
    assert reason.startswith("failback is refused")
    assert "2005 (32 bit)" in reason and "2008 (64 bit)" in reason and "MSSQLSERVER" in reason


def test_failback_refused_before_any_step_runs(world: World, store: PairStore,
                                               protected: PairRecord,
                                               tokens: Callable[[], str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pair = ("fileprint", "FS01", "FS02")
    world.src.reachable = world.hosts["FS01"].reachable = False
    world.tgt.declare_failure("fileprint_FS01_FS02")
    failover(world.ctx, store, Pair(*pair), token_factory=tokens)
    world.src.reachable = world.hosts["FS01"].reachable = True
    # this pair's facts as a SQL database-only migration 2005 -> 2008 records them
    rec = store.record(Pair(*pair))
    rec.facts["app"] = {"versions": [{"instance": "MSSQLSERVER", "source": "2005",
                                      "target": "2008", "source_bits": 64,
                                      "target_bits": 64}]}
    store.save_record(rec)
    monkeypatch.setattr(failback_module, "get_app", lambda _app: SQL)
    world.calls.clear()
    with pytest.raises(Refused, match="failback is refused: the source runs SQL Server 2005"):
        failback(world.ctx, store, Pair(*pair), token_factory=tokens)
    assert store.record(Pair(*pair)).state == "Failed over"  # nothing ran, nothing changed
    assert world.calls == []
