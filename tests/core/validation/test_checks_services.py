"""services.exist: a plan's services exist on both servers; the Fix drops the missing ones."""

from __future__ import annotations

from core.model.config import ServiceItem
from core.validation import Status, fix
from tests.core.doubles import FakeWorld
from tests.core.validation.appworld import app_config, check


def test_services_of_the_default_list_exist_on_both(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "blackberry", "BES01", "BES02"), "services.exist")
    assert res.status is Status.PASSED and "MSSQL$BLACKBERRY" in res.reason


def test_a_missing_service_is_an_error_and_the_fix_drops_it(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sql", "SQL01", "SQL02")
    cfg.failover.services.append(ServiceItem("MSExchangeMailSubmission", True, True))
    res = check(lab, cfg, "services.exist")
    assert res.status is Status.ERROR and res.fixable
    assert "SQL02 has no service named MSExchangeMailSubmission" in res.reason
    assert "SQL01 has no service named MSExchangeMailSubmission" in res.reason
    out = fix(lab.ctx, cfg, "services.exist")
    assert out.result.status is Status.PASSED
    names = [s.name for s in out.config.failover.services]
    assert "MSExchangeMailSubmission" not in names and "MSSQLSERVER" in names
