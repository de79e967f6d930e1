"""What Verify Target Data checks (core.protection.verify.items_of): database-only pairs
their facts' databases at their target paths; instance mode the user databases of the
source's inventory (no system database: master or tempdb cannot be attached twice);
Exchange every store of the protected storage groups; both kept in the plan's facts
at Enable Protection, so a source that is down is not needed. And a host that cannot check one
item makes that item not usable without hiding the others."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from core.apps.registry import get_app
from core.config import default_config
from core.errors import Unreachable
from core.protection.facts import PlanFacts
from core.protection.verify import Item, _check, items_of
from tests.core.apps.app_estate import app_servers

S = app_servers()


def _facts(app: dict[str, Any]) -> PlanFacts:
    return PlanFacts("set", "", "", (), "", app=app)


def _no_source() -> Any:
    raise AssertionError("the source's inventory is not needed")


def test_database_only_pairs_use_the_facts_target_files() -> None:
    cfg = default_config("sql", S["SQL01"], S["SQL02"], dns_ttl=300)
    cfg.connection.sql_mode = "database"
    facts = _facts({"databases": [
        {"instance": "MSSQLSERVER", "name": "sales", "files": ["F:\\Moved\\sales.mdf"]},
        {"instance": "MSSQLSERVER", "name": "gone", "files": []}]})
    assert items_of(cfg, facts, _no_source) == [
        Item("database", "MSSQLSERVER", "sales", ("F:\\Moved\\sales.mdf",))]


def test_instance_mode_checks_the_user_databases_of_the_source() -> None:
    cfg = default_config("sql", S["SQL01"], S["SQL02"], dns_ttl=300)
    assert cfg.connection.sql_mode == "instance"
    got = items_of(cfg, _facts({"sql_mode": "instance"}), lambda: S["SQL01"])
    names = {(i.instance, i.name) for i in got}
    assert ("MSSQLSERVER", "sales") in names and ("MSSQLSERVER", "hr") in names
    assert not {n for _, n in names} & {"master", "model", "msdb", "tempdb"}
    assert all(i.kind == "database" and i.files for i in got)


def test_exchange_checks_every_store_of_the_protected_groups() -> None:
    src = S["EXCH01"]
    cfg = default_config("exchange", src, S["EXCH02"], dns_ttl=300)
    groups = src.apps.exchange.storage_groups  # type: ignore[union-attr]
    got = items_of(cfg, _facts({"storage_groups": [groups[0].name]}), lambda: src)
    assert got and all(i.kind == "store" and i.name.startswith(groups[0].name + "\\")
                       for i in got)
    assert len(got) == len(groups[0].stores)
    assert got[0].extra == {"logs": groups[0].log_path, "prefix": groups[0].log_prefix}


def test_facts_kept_at_enable_need_no_source_after_a_failover() -> None:
    """A failed-over pair's source is down: what to check was captured at Enable
    Protection (the application's plan facts), for instance mode and Exchange."""
    sql_cfg = default_config("sql", S["SQL01"], S["SQL02"], dns_ttl=300)
    kept = get_app("sql").plan_facts(sql_cfg, S["SQL01"], S["SQL02"])
    assert items_of(sql_cfg, _facts(kept), _no_source) == items_of(
        sql_cfg, _facts({"sql_mode": "instance"}), lambda: S["SQL01"])
    src = S["EXCH01"]
    ex_cfg = default_config("exchange", src, S["EXCH02"], dns_ttl=300)
    kept = get_app("exchange").plan_facts(ex_cfg, src, S["EXCH02"])
    from_facts = items_of(ex_cfg, _facts(kept), _no_source)
    assert from_facts and from_facts == items_of(
        ex_cfg, _facts({"storage_groups": kept["storage_groups"]}), lambda: src)


def test_an_item_the_host_cannot_check_is_not_usable() -> None:
    def fail(op: str, params: dict[str, Any]) -> Any:
        raise Unreachable("SQL02 did not answer within 10 s")

    ctx = SimpleNamespace(host=lambda name: SimpleNamespace(run_op=fail))
    sales = Item("database", "MSSQLSERVER", "sales", ("E:\\s.mdf",))
    item = _check(ctx, "SQL02", sales, "C:\\tree")  # type: ignore[arg-type]
    assert item.usable is False and item.errors == ("SQL02 did not answer within 10 s",)
    answered = SimpleNamespace(run_op=lambda op, p: {"usable": True, "errors": ["Msg 8939"]})
    item = _check(SimpleNamespace(host=lambda n: answered), "SQL02",  # type: ignore[arg-type]
                  sales, "C:\\tree")
    assert item.usable is False  # an error said is never usable, whatever the flag
