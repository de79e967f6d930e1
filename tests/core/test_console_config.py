"""Configure Protection through the console for every application (SPEC F-6):
the defaults shown by ``config show``, a table of bad inputs refused with a
message naming the field (and nothing saved), and the rules across pairs."""

from __future__ import annotations

import json

import pytest

from core.console import Console
from core.errors import InvalidInput
from core.model.pair import Pair
from tests.core.doubles import FakeWorld

PAIRS = {"exchange": ("EXCH01", "EXCH02"), "sql": ("SQL01", "SQL02"),
         "fileprint": ("FS01", "FS02"), "sharepoint": ("SP01", "SP02"),
         "blackberry": ("BES01", "BES02")}


# --- the defaults of F-6, per application -----------------------------------------------------
COMMON = {
    ("failover", "type"): "dns", ("monitoring", "enabled"): True,
    ("monitoring", "manual_intervention"): True, ("monitoring", "interval"): 5,
    ("monitoring", "missed"): 5, ("monitoring", "trigger"): "all",
    ("snapshots", "enabled"): False, ("connection", "mirror_type"): "checksum",
    ("connection", "compression"): 0, ("advanced", "override_rules"): False,
    ("advanced", "create_set"): True, ("advanced", "create_monitor"): True,
}
PER_APP = {
    "exchange": {"set": "xdag01_EXCH01_EXCH02", "identity": [True, False, False, False],
                 "items": [False, False, False], "ip_map": {"127.0.10.21": "127.0.10.122"},
                 "first_service": "MSExchangeADTopology"},
    "sql": {"set": "sqldag01_SQL01_SQL02", "identity": [True, False, False, False],
            "items": [False, False, False], "ip_map": {"127.0.10.31": "127.0.10.32"},
            "first_service": "MSSQLSERVER"},
    "fileprint": {"set": "fileprint_FS01_FS02", "identity": [True, True, True, True],
                  "items": [True, True, True], "ip_map": {"127.0.10.11": "127.0.10.12"},
                  "first_service": None},
    "sharepoint": {"set": "spdag01_SP01_SP02", "identity": [True, False, False, False],
                   "items": [True, False, True], "ip_map": {"127.0.10.41": "127.0.10.42"},
                   "first_service": "MSSQL$OFFICESERVERS"},
    "blackberry": {"set": "bbdag01_BES01_BES02", "identity": [True, False, False, False],
                   "items": [False, False, False], "ip_map": {"127.0.10.51": "127.0.10.52"},
                   "first_service": "MSSQL$BLACKBERRY"},
}


@pytest.mark.parametrize("app", list(PAIRS))
def test_config_show_prints_the_defaults_of_f6(console: Console, app: str) -> None:
    src, tgt = PAIRS[app]
    doc = console.configure.config_show(Pair(app, src, tgt)).to_dict()
    assert doc["saved"] is False
    cfg = json.loads(json.dumps(doc["config"]))  # JSON as `config show --json` prints it
    for (section, key), value in COMMON.items():
        assert cfg[section][key] == value, (section, key)
    want = PER_APP[app]
    assert cfg["advanced"]["set_name"] == want["set"]
    ident = cfg["failover"]["identity"]
    assert [ident[k] for k in ("ip_address", "server_name", "shares", "spns")] == want["identity"]
    adv = cfg["advanced"]
    assert [adv[k] for k in ("items_server_name", "items_shares", "items_spns")] == want["items"]
    assert cfg["failover"]["dns"]["ip_map"] == want["ip_map"]
    assert cfg["failover"]["dns"]["ttl"] == 1200 and cfg["failover"]["dns"]["update_ttl"] is False
    services = cfg["failover"]["services"]
    assert (services[0]["name"] if services else None) == want["first_service"]
    assert cfg["monitoring"]["application"]["enabled"] is False
    assert any(line.startswith("monitoring.interval=5") for line in doc["assignments"])


def test_application_specific_defaults(console: Console) -> None:
    exch = console.configure.config_show(Pair("exchange", "EXCH01", "EXCH02")).to_dict()["config"]
    assert exch["connection"]["storage_groups"] == ["First Storage Group", "Second Storage Group"]
    assert (exch["advanced"]["force_ad_replication"], exch["advanced"]["ad_max_wait_min"],
            exch["advanced"]["targeted_dc"]) == (True, 30, "")
    sql = console.configure.config_show(Pair("sql", "SQL01", "SQL02")).to_dict()["config"]
    assert sql["connection"]["sql_mode"] == "instance"
    assert "INST1/crm" in sql["connection"]["databases"]
    fs = console.configure.config_show(Pair("fileprint", "FS01", "FS02")).to_dict()["config"]
    assert fs["connection"]["shares"] == ["Data", "Users"]
    assert console.session.advanced_shown("sharepoint") and not console.session.advanced_shown("sql")
    assert not console.tabs.graceful_failover("sharepoint") and console.tabs.graceful_failover("sql")


# --- bad inputs across all tabs and applications --------------------------------------------
ADV = True
BAD: list[tuple[str, bool, list[str], str, str]] = [
    # Failover tab and its dialogs
    ("fileprint", False, ["failover.type=cluster"], "failover.type", "not one of"),
    ("sql", False, ["failover.dns.ip_map=127.0.10.31:127.0.10.99"], "failover.dns.ip_map",
     "127.0.10.99 is not an IP of SQL02"),
    ("exchange", False, ["failover.dns.ip_map=127.0.10.21:127.0.10.122,"
                         "127.0.10.121:127.0.10.122"], "failover.dns.ip_map", "used twice"),
    ("sql", False, ["failover.dns.ip_map="], "failover.dns.ip_map", "no source IP of SQL01"),
    ("blackberry", False, ["failover.dns.ttl=abc"], "failover.dns.ttl", "not a whole number"),
    ("sharepoint", False, ["failover.dns.servers="], "failover.dns.servers", "no DNS server"),
    ("sql", False, ["failover.dns.servers=127.0.10.1,127.0.10.1"], "failover.dns.servers",
     "listed twice"),
    ("exchange", False, ["failover.dns.user=LAB\\bad|user"], "failover.dns.user",
     "cannot contain"),
    ("fileprint", False, ["failover.dns.client_server=127.0.10.1"],
     "failover.dns.client_server", "advanced option"),
    ("sql", False, ["failover.identity.monitored_ips=300.1.1.1"],
     "failover.identity.monitored_ips", "not an IPv4 address"),
    ("sql", False, ["failover.type=identity", "failover.identity.target_nic=Team 9"],
     "failover.identity.target_nic", "has no NIC named 'Team 9'"),
    ("sharepoint", False, ["failover.identity.ip_address=perhaps"],
     "failover.identity.ip_address", "on or off"),
    ("sql", False, ["failover.services=SQLSERVERAGENT"], "failover.services",
     "MSSQLSERVER cannot be removed: it is the SQL Server engine service"),
    ("exchange", False, ["failover.services=MSExchangeSA"], "failover.services",
     "only services you added can be removed"),
    ("blackberry", False, ["failover.services=A/sometimes"], "failover.services", "NAME/stop"),
    # Monitoring tab
    ("sql", False, ["monitoring.interval=0"], "monitoring.interval", "between 1 and 3600"),
    ("exchange", False, ["monitoring.missed=many"], "monitoring.missed", "not a whole number"),
    ("blackberry", False, ["monitoring.method=snmp"], "monitoring.method", "not one of"),
    ("sharepoint", False, ["monitoring.trigger=most"], "monitoring.trigger", "not one of"),
    ("fileprint", False, ["monitoring.application.enabled=on"],
     "monitoring.application.enabled", "advanced option"),
    ("sql", ADV, ["monitoring.application.enabled=on"], "monitoring.application.wmi_user",
     "enter the user"),
    ("sql", ADV, ["monitoring.application.interval=0"], "monitoring.application.interval",
     "between 1 and 3600"),
    ("sql", ADV, ["monitoring.application.error_threshold=101"],
     "monitoring.application.error_threshold", "between 1 and 100"),
    ("sql", ADV, ["monitoring.application.script_path=C:\\check.bat"],
     "monitoring.application.script_path", "not a PowerShell"),
    ("sql", ADV, ["monitoring.application.enabled=on", "monitoring.application.method=script",
                  "monitoring.application.wmi_user=LAB\\wmi"],
     "monitoring.application.script_path", "choose the custom script"),
    ("exchange", ADV, ["monitoring.application.enabled=on",
                       "monitoring.application.method=script",
                       "monitoring.application.script_path=C:\\check.ps1",
                       "monitoring.application.script_engine=vb",
                       "monitoring.application.wmi_user=LAB\\wmi"],
     "monitoring.application.script_engine", "needs the ps1 engine"),
    ("blackberry", ADV, ["monitoring.application.wmi_user=a@"],
     "monitoring.application.wmi_user", "not a host name"),
    # Snapshots tab
    ("sql", False, ["snapshots.interval_min=10"], "snapshots.interval_min", "at least 15"),
    ("exchange", False, ["snapshots.start_at=tomorrow"], "snapshots.start_at",
     "not a date-time"),
    # Connection tab
    ("sql", False, ["connection.route=127.0.10.99"], "connection.route",
     "not an IP of SQL02"),
    ("exchange", False, ["connection.route=exch02"], "connection.route", "not an IPv4 address"),
    ("fileprint", False, ["connection.shares=Nope"], "connection.shares",
     "has no share named 'Nope'"),
    ("exchange", False, ["connection.storage_groups=Third"], "connection.storage_groups",
     "no storage group named 'Third'"),
    ("exchange", False, ["connection.storage_groups="], "connection.storage_groups",
     "nothing is selected"),
    ("sql", False, ["connection.databases=sales"], "connection.databases",
     "write INSTANCE/name"),
    ("sql", False, ["connection.databases=MSSQLSERVER/ghost"], "connection.databases",
     "has no database 'ghost'"),
    ("sql", False, ["connection.sql_mode=database", "connection.databases=MSSQLSERVER/master"],
     "connection.databases", "master is a system database"),
    ("sql", False, ["connection.sql_mode=mirror"], "connection.sql_mode", "not one of"),
    ("sharepoint", False, ["connection.sql_mode=database"], "connection.sql_mode",
     "only for SQL Server pairs"),
    ("exchange", False, ["connection.databases=MSSQLSERVER/x"], "connection.databases",
     "only for SQL Server and SharePoint and BlackBerry pairs"),
    ("sql", False, ["connection.target_paths=MSSQLSERVER/sales=E:\\X"],
     "connection.target_paths", "only in the database-only modes"),
    ("sql", False, ["connection.target_paths=MSSQLSERVER/sales"], "connection.target_paths",
     "write INSTANCE/name=PATH"),
    ("sql", False, ["connection.sql_mode=database", "connection.databases=MSSQLSERVER/sales",
                    "connection.target_paths=MSSQLSERVER/hr=E:\\X"],
     "connection.target_paths", "MSSQLSERVER/hr is not a selected database"),
    ("blackberry", False, ["connection.volume_paths=Q:\\Data"], "connection.volume_paths",
     "has no Q: volume"),
    ("sql", False, ["connection.compression=11"], "connection.compression",
     "between 0 and 9"),
    ("fileprint", False, ["connection.mirror_type=delta"], "connection.mirror_type",
     "not one of"),
    ("sql", False, ["connection.shares=Data"], "connection.shares", "only for File Server"),
    # Advanced tab
    ("exchange", False, ["advanced.targeted_dc=127.0.10.1"], "advanced.targeted_dc",
     "is an IP address"),
    ("exchange", False, ["advanced.targeted_dc=DC01"], "advanced.targeted_dc",
     "only for Exchange 2003"),
    ("exchange", False, ["advanced.ad_max_wait_min=0"], "advanced.ad_max_wait_min",
     "between 1 and 1440"),
    ("sql", False, ["advanced.force_ad_replication=on"], "advanced.force_ad_replication",
     "only for Exchange pairs"),
    ("fileprint", False, ["advanced.create_set=off"], "advanced.create_set", "advanced option"),
    ("exchange", False, ["advanced.override_rules=on"], "advanced.rules", "include nothing"),
    ("sql", False, ["advanced.rules=keep:E:\\x"], "advanced.rules", "include:PATH"),
    ("blackberry", False, ["advanced.set_name=bad name"], "advanced.set_name",
     "letters, digits"),
    ("sharepoint", False, ["advanced.plan_edits.pre-flight=x"],
     "advanced.plan_edits.pre-flight", "unknown plan phase"),
    # Like-named cluster setup values
    ("exchange", False, ["cluster.ip=1.2.3"], "cluster.ip", "not an IPv4 address"),
    ("exchange", False, ["cluster.subnet_mask=255.0.255.0"], "cluster.subnet_mask",
     "not a subnet mask"),
    ("exchange", False, ["cluster.storage=EE"], "cluster.storage", "not a drive letter"),
    ("exchange", False, ["cluster.ip=127.0.10.99"], "cluster.target_node",
     "only for a like-named cluster pair"),
    ("sql", False, ["cluster.ip=127.0.10.99"], "cluster.ip", "only for Exchange pairs"),
    # typing mistakes
    ("sql", False, ["monitoring.intervall=5"], "monitoring.intervall", "unknown setting"),
    ("sql", False, ["monitoring.interval=2", "nosection"], "nosection", "section.key=value"),
]


def test_the_table_has_at_least_40_bad_inputs_across_all_applications() -> None:
    assert len(BAD) >= 40
    assert {row[0] for row in BAD} == set(PAIRS)
    tabs = {row[3].split(".")[0] for row in BAD}
    assert {"failover", "monitoring", "snapshots", "connection", "advanced", "cluster"} <= tabs


@pytest.mark.parametrize(("app", "adv", "sets", "field", "words"), BAD,
                         ids=[f"{r[0]}:{r[2][-1]}" for r in BAD])
def test_bad_inputs_are_refused_naming_the_field_and_nothing_is_saved(
        world: FakeWorld, app: str, adv: bool, sets: list[str], field: str, words: str) -> None:
    console = Console(world.ctx, advanced=adv)
    src, tgt = PAIRS[app]
    console.configure.save_config(console.configure.load_config(Pair(app, src, tgt)))
    saved = console.store.load_config(Pair(app, src, tgt))
    with pytest.raises(InvalidInput) as info:
        console.configure.config_set(Pair(app, src, tgt), ["monitoring.missed=7", *sets])
    assert info.value.field == field
    assert words in info.value.message
    assert console.store.load_config(Pair(app, src, tgt)) == saved  # nothing saved half-way


def test_good_values_are_saved_with_their_warnings(console: Console) -> None:
    change = console.configure.config_set(Pair("exchange", "EXCH01", "EXCH02"),
                                ["monitoring.missed=7", "advanced.items_spns=on"])
    assert change.config.monitoring.missed == 7
    assert console.store.load_config(Pair("exchange", "EXCH01", "EXCH02")).monitoring.missed == 7
    assert any("must not move the AD host SPNs" in w for w in change.warnings)
    with pytest.raises(InvalidInput, match="at least one"):
        console.configure.config_set(Pair("exchange", "EXCH01", "EXCH02"), [])
