"""services.exist for SQL plans: every service is installed on the target (which
starts and stops it) and the source (post-restore starts it); a missing one is an
error whose Fix drops it from the list — never an instance's engine service."""

from __future__ import annotations

from core.validation import Status, fix
from tests.core.doubles import FakeWorld
from tests.core.validation.appworld import app_config, change, check

ID = "services.exist"


def test_passes_for_the_clean_pair(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL02"), ID)
    assert res.status is Status.PASSED and "on both servers" in res.reason


def test_a_missing_agent_is_an_error_and_fix_drops_it(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL01", "SQL02")  # saved while SQL02 had it
    srv = lab.hosts["SQL02"].server
    change(lab, "SQL02", services=tuple(s for s in srv.services if s.name != "SQLAgent$INST1"))
    res = check(lab, cfg, ID)
    assert res.status is Status.ERROR and res.fixable
    assert res.reason == "SQL02 has no service named SQLAgent$INST1"
    out = fix(lab.ctx, cfg, ID)
    assert out.config_changed and out.result.status is Status.PASSED
    names = [s.name for s in out.config.failover.services]
    assert "SQLAgent$INST1" not in names and "MSSQL$INST1" in names


def test_a_missing_engine_service_is_never_dropped(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL01", "SQL02")  # saved while SQL02 had it
    srv = lab.hosts["SQL02"].server
    change(lab, "SQL02", services=tuple(s for s in srv.services if s.name != "MSSQL$INST1"))
    res = check(lab, cfg, ID)
    assert res.status is Status.ERROR and not res.fixable
    assert "SQL02 has no service named MSSQL$INST1" in res.reason
    assert "install MSSQL$INST1" in res.reason
    out = fix(lab.ctx, cfg, ID)
    assert "MSSQL$INST1" in [s.name for s in out.config.failover.services]
    assert out.result.status is Status.ERROR


def test_a_missing_instance_is_left_to_named_instances(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sql", "SQL01", "SQL04"), ID)  # SQL04 has no INST1
    assert res.status is Status.PASSED
