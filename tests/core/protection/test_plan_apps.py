"""The four plan phases generated for each application (SPEC F-6.5)."""

from __future__ import annotations

from core.config import apply_assignments, default_config
from core.protection.facts import facts_from
from core.protection.plan import PHASES, generate, generated_text, phase_steps
from core.protection.script import Step, parse
from tests.core.apps.app_estate import app_servers

S = app_servers()


def _plans(app: str, src: str, tgt: str, *sets: str) -> dict[str, list[Step]]:
    cfg = apply_assignments(default_config(app, S[src], S[tgt], dns_ttl=300), list(sets))
    facts = facts_from(cfg, S[src], S[tgt], "lab.example.com", 6320)
    for phase in PHASES:  # every generated phase reads back as a valid script
        assert parse(generated_text(cfg, facts, phase)) == generate(cfg, facts)[phase]
        assert phase_steps(cfg, facts, phase) == generate(cfg, facts)[phase]
    return generate(cfg, facts)


def _verbs(steps: list[Step]) -> list[str]:
    return [s.verb for s in steps]


def test_exchange_rehomes_users_with_ad_replication_and_its_services() -> None:
    plans = _plans("exchange", "EXCH01", "EXCH02", "advanced.ad_max_wait_min=45")
    assert list(plans) == list(PHASES)
    pf = plans["post-failover"]
    assert _verbs(pf)[:3] == ["stop-replication", "stop-monitor", "start-service"]
    assert pf[0].args == ("xdag01_EXCH01_EXCH02",)
    rehome = next(s for s in pf if s.verb == "exchange-failover")
    assert rehome.args == ("EXCH01", "EXCH02")
    assert rehome.options == {"sgs": "First Storage Group|Second Storage Group",
                              "replicate": "on", "wait": "45"}
    assert pf[-1] == Step("dns-failover", ("exch01.lab.example.com",
                                           "127.0.10.21=127.0.10.122"),
                          {"target": "exch02.lab.example.com"})
    pb = plans["pre-failback"]
    assert pb[0].verb == "exchange-failback" and _verbs(pb)[-1] == "dns-failback"
    starts = [s.args[0] for s in pf if s.verb == "start-service"]
    stops = [s.args[0] for s in pb if s.verb == "stop-service"]
    assert stops == list(reversed(starts))  # start top-down, stop bottom-up
    assert plans["post-restore"][-1] == Step("exchange-public-folders", ("EXCH01",))
    assert _verbs(plans["post-failback"]) == ["reprotect", "create-monitor"]


def test_exchange_without_forced_replication_and_with_a_targeted_dc() -> None:
    plans = _plans("exchange", "EVS1", "EXNODE3", "advanced.force_ad_replication=off",
                   "advanced.targeted_dc=dc01")
    rehome = next(s for s in plans["post-failover"] if s.verb == "exchange-failover")
    assert (rehome.options["replicate"], rehome.options["dc"]) == ("off", "dc01")
    # a virtual server's resources come online instead of services
    assert "resource-online" in _verbs(plans["post-failover"])
    assert "start-service" not in _verbs(plans["post-failover"])
    assert plans["pre-failback"][1] == Step("resource-offline", ("Exchange Information Store",))


def test_like_named_pairs_create_the_resources_before_bringing_them_online() -> None:
    cfg = default_config("exchange", S["EVS1"], S["EXNODE3"])
    cfg.cluster.like_named = True
    plans = generate(cfg, facts_from(cfg, S["EVS1"], S["EXNODE3"]))
    assert _verbs(plans["post-failover"])[2:4] == ["create-resource", "resource-online"]
    assert _verbs(plans["pre-failback"])[0:2] == ["resource-offline", "delete-resource"]
    # the virtual server moves with its stores: no mailbox or public folder is rehomed
    assert not any(v.startswith("exchange-") for p in plans.values() for v in _verbs(p))


def test_sql_instance_mode_starts_engine_agent_and_browser() -> None:
    plans = _plans("sql", "SQL01", "SQL02")
    starts = [s.args[0] for s in plans["post-failover"] if s.verb == "start-service"]
    assert starts == ["MSSQLSERVER", "SQLSERVERAGENT", "SQLBrowser", "MSSQL$INST1",
                      "SQLAgent$INST1"]
    assert "sql-attach" not in _verbs(plans["post-failover"])
    assert plans["post-failover"][0].args == ("sqldag01_SQL01_SQL02",)


def test_sql_database_only_attaches_and_detaches_from_the_remapped_path() -> None:
    plans = _plans("sql", "SQL01", "SQL02", "connection.sql_mode=database",
                   "connection.databases=MSSQLSERVER/sales",
                   "connection.target_paths=MSSQLSERVER/sales=E:\\FromSQL01")
    attach = next(s for s in plans["post-failover"] if s.verb == "sql-attach")
    assert attach.args == ("MSSQLSERVER", "sales", "E:\\FromSQL01\\sales.mdf",
                           "E:\\FromSQL01\\sales_log.ldf")
    assert plans["pre-failback"][0] == Step("sql-detach", ("MSSQLSERVER", "sales"))
    dns = _verbs(plans["post-failover"]).index("dns-failover")
    assert _verbs(plans["post-failover"]).index("sql-attach") < dns


def test_sharepoint_moves_server_name_and_spns_by_default() -> None:
    plans = _plans("sharepoint", "SP01", "SP02")
    pf = plans["post-failover"]
    assert Step("add-name", ("SP01",)) in pf and Step("move-spns", ("SP01", "SP02")) in pf
    assert pf[0].args == ("spdag01_SP01_SP02",)
    pb = plans["pre-failback"]
    assert Step("move-spns", ("SP02", "SP01"), {"owner": "SP01"}) in pb
    assert Step("remove-name", ("SP01",)) in pb
    with_services = _plans("sharepoint", "SP01", "SP02",
                           "failover.services=MSSQL$OFFICESERVERS,SQLAgent$OFFICESERVERS,"
                           "SPTimerV3,SPAdmin")
    starts = [s.args[0] for s in with_services["post-failover"] if s.verb == "start-service"]
    assert starts[-2:] == ["SPTimerV3", "SPAdmin"]


def test_blackberry_starts_sql_then_the_bes_services() -> None:
    plans = _plans("blackberry", "BES01", "BES02")
    starts = [s.args[0] for s in plans["post-failover"] if s.verb == "start-service"]
    # SQL Express has no Agent: the engine, then the BES services
    assert starts[:2] == ["MSSQL$BLACKBERRY", "BlackBerry Router"]
    assert plans["post-failover"][0].args == ("bbdag01_BES01_BES02",)
    assert "add-name" not in _verbs(plans["post-failover"])  # items off by default


def test_items_to_failover_with_identity_failover_are_left_to_the_engine() -> None:
    plans = _plans("sharepoint", "SP01", "SP02", "failover.type=identity")
    assert not {"add-name", "move-spns", "dns-failover"} & set(_verbs(plans["post-failover"]))


def test_file_server_publishes_shares_only_when_shares_are_an_item() -> None:
    plans = _plans("fileprint", "FS01", "FS02")
    assert _verbs(plans["post-failover"]).count("publish-share") == 2
    off = _plans("fileprint", "FS01", "FS02", "advanced.items_shares=off")
    assert "publish-share" not in _verbs(off["post-failover"])
    assert "withdraw-share" not in _verbs(off["pre-failback"])


def test_file_server_adds_its_name_and_moves_its_spns_as_items_to_failover() -> None:
    plans = _plans("fileprint", "FS01", "FS02")
    pf, pb = plans["post-failover"], plans["pre-failback"]
    assert Step("add-name", ("FS01",)) in pf and Step("move-spns", ("FS01", "FS02")) in pf
    assert Step("remove-name", ("FS01",)) in pb
    assert Step("move-spns", ("FS02", "FS01"), {"owner": "FS01"}) in pb
    off = _plans("fileprint", "FS01", "FS02", "advanced.items_server_name=off",
                 "advanced.items_spns=off")
    assert not {"add-name", "move-spns"} & set(_verbs(off["post-failover"]))


def test_like_named_failover_ends_with_the_dns_step_that_locks_the_source_record() -> None:
    # F-10: resources re-created and online first, then the source's record is
    # re-pointed and locked (the dns-failover step locks it; failback unlocks first)
    cfg = default_config("exchange", S["EVS1"], S["EXNODE3"])
    cfg.cluster.like_named = True
    plans = generate(cfg, facts_from(cfg, S["EVS1"], S["EXNODE3"]))
    verbs = _verbs(plans["post-failover"])
    assert verbs[-1] == "dns-failover"
    assert verbs.index("resource-online") < verbs.index("dns-failover")
    assert _verbs(plans["pre-failback"])[-1] == "dns-failback"
