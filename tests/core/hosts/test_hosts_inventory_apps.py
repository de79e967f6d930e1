"""The application inventory JSON -> model types, and one Server out of all the operations."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ProtocolError
from core.hosts import app_versions as v
from core.hosts.app_merge import app_ops, with_apps
from core.hosts.inventory import server_from_inventory
from core.hosts.inventory_apps import (
    blackberry_from_json,
    cluster_from_json,
    dsn_part,
    exchange_from_json,
    sharepoint_from_json,
    smtp_ips,
    sql_from_json,
)
from core.model.apps import ClusterResource, SqlFile, VirtualServer
from core.model.server import Service

CONFIG = "CN=Configuration,DC=lab,DC=example,DC=com"
EX_DN = ("CN=EXCH01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),"
         f"CN=Administrative Groups,CN=LAB,CN=Microsoft Exchange,CN=Services,{CONFIG}")
EXCHANGE = {"exchange": {
    "name": "EXCH01", "dn": EX_DN, "serial": "Version 8.1 (Build 30240.6)", "roles": 38,
    "storage_groups": [{"name": "First Storage Group", "prefix": "E00",
                        "log_path": "E:\\Logs\\SG1", "system_path": "E:\\Sys\\SG1",
                        "stores": [{"name": "Mailbox Database", "public": False,
                                    "edb": "E:\\Data\\mbx.edb", "stm": ""}]}],
    "bindings": ["0.0.0.0:25", "[::]:25", "10.0.0.21:25", "10.0.0.22:25:", "10.0.0.21:587",
                 "[fe80::1]:25"],
    "queue_path": "", "mta_path": "", "program_path": "C:\\Exchange",
    "service_account": "LocalSystem"}}


def _sql_doc(**over: object) -> dict[str, object]:
    inst: dict[str, object] = {"name": "INST1", "id": "MSSQL10.INST1", "version": "10.0.2531.0", "level": "SP1",
            "edition": "Enterprise Edition (64-bit)", "path": "C:\\SQL", "cluster": "",
            "protocols": {"tcp": True, "np": False, "sm": True},
            "databases": [{"name": "master", "id": 1, "state": "ONLINE"},
                          {"name": "Sales", "id": 7, "state": "OFFLINE"}],
            "files": [{"db": 7, "name": "Sales", "path": "E:\\Sales.mdf", "type": "ROWS"},
                      {"db": 1, "name": "master", "path": "C:\\master.mdf", "type": "ROWS"},
                      {"db": 7, "name": "Sales_2", "path": "E:\\Sales_2.ndf", "type": "ROWS"},
                      {"db": 7, "name": "Sales_log", "path": "F:\\Sales_log.ldf", "type": "LOG"}],
            "sysadmins": ["sa", "LAB\\Administrator"], "error": ""}
    inst.update(over)
    return {"instances": [inst]}


def test_exchange_2007_from_ad_and_registry() -> None:
    ex = exchange_from_json(EXCHANGE)
    assert ex is not None
    assert (ex.version, ex.roles) == ("2007", ("mailbox", "cas", "hub"))
    assert (ex.admin_group, ex.organization) == ("Exchange Administrative Group (FYDIBOHF23SPDLT)",
                                                 "LAB")
    sg = ex.storage_groups[0]
    assert (sg.name, sg.log_prefix, sg.log_path, sg.system_path) == \
        ("First Storage Group", "E00", "E:\\Logs\\SG1", "E:\\Sys\\SG1")
    assert [(s.name, s.kind, s.edb_path) for s in sg.stores] == \
        [("Mailbox Database", "mailbox", "E:\\Data\\mbx.edb")]
    # unassigned (IPv4 and IPv6) skipped, no repeats
    assert ex.smtp_vs_ips == ("10.0.0.21", "10.0.0.22", "fe80::1")
    assert (ex.program_path, ex.service_account) == ("C:\\Exchange", "LocalSystem")


def test_exchange_2003_one_unrolled_store_and_no_role_bits() -> None:
    doc = json.loads(json.dumps(EXCHANGE))
    doc["exchange"]["serial"] = "Version 6.5 (Build 7638.2: Service Pack 2)"
    doc["exchange"]["roles"] = 0
    # PowerShell 2 writes a one-element array as the element itself
    doc["exchange"]["storage_groups"][0]["stores"] = {"name": "Public", "public": True,
                                                      "edb": "E:\\pub1.edb", "stm": "E:\\pub1.stm"}
    ex = exchange_from_json(doc)
    assert ex is not None and (ex.version, ex.roles) == ("2003", ("backend",))
    store = ex.storage_groups[0].stores[0]
    assert (store.kind, store.stm_path) == ("public", "E:\\pub1.stm")


def test_no_application_is_none_and_a_bad_document_is_a_protocol_error() -> None:
    assert exchange_from_json({"exchange": None}) is None
    assert sharepoint_from_json({"sharepoint": None}) is None
    assert blackberry_from_json({"blackberry": None}) is None
    assert cluster_from_json({"cluster": None}) is None
    assert sql_from_json({"instances": None}) == ()
    for parse, doc in [(exchange_from_json, {}), (exchange_from_json, {"exchange": 3}),
                       (sql_from_json, []), (sql_from_json, {"instances": [1]}),
                       (sharepoint_from_json, {"sharepoint": {"dsn": "Initial Catalog=x"}}),
                       (cluster_from_json, "x")]:
        with pytest.raises(ProtocolError):
            parse(doc)


def test_sql_instance_files_grouped_by_database() -> None:
    (inst,) = sql_from_json(_sql_doc())
    assert (inst.name, inst.version, inst.service_pack, inst.edition, inst.bits) == \
        ("INST1", "2008", "SP1", "Enterprise", 64)
    assert (inst.service, inst.default, inst.protocols) == ("MSSQL$INST1", False, ("tcp", "sm"))
    master, sales = inst.databases
    assert master.system and not sales.system and sales.state == "offline"
    assert master.files == (SqlFile("master", "C:\\master.mdf", "data"),)
    assert [(f.logical, f.kind) for f in sales.files] == \
        [("Sales", "data"), ("Sales_2", "ndf"), ("Sales_log", "log")]
    assert inst.sysadmins == ("sa", "LAB\\Administrator") and not inst.clustered


@pytest.mark.parametrize(("version", "level", "edition", "want"), [
    ("9.00.3042.00", "SP2", "Express Edition", ("2005", "SP2", "Express", 32)),
    ("10.50.1600.1", "RTM", "Standard Edition (64-bit)", ("2008 R2", "", "Standard", 64)),
    ("16.0.1000.6", "RTM", "Developer Edition (64-bit)", ("2022", "", "Developer", 64)),
])
def test_sql_versions_and_editions(version: str, level: str, edition: str,
                                   want: tuple[object, ...]) -> None:
    (inst,) = sql_from_json(_sql_doc(version=version, level=level, edition=edition,
                                     cluster="sqlvs1"))
    assert (inst.version, inst.service_pack, inst.edition, inst.bits) == want
    assert inst.clustered and inst.virtual_server == "SQLVS1"


def test_sharepoint_back_end_comes_from_the_config_dsn() -> None:
    farm = sharepoint_from_json({"sharepoint": {
        "version": "12.0.0.6421", "moss": True, "admin_port": 38142,
        "dsn": "Data Source=sql05a\\SHAREPOINT;Initial Catalog=SP_Config;Integrated Security=True",
        "databases": ["SP_Config", "WSS_Content"],
        "servers": [{"name": "sp01", "role": "WebFrontEnd"}, {"name": "SQL05A", "role": "Invalid"},
                    {"name": "idx01", "role": "Application"}]}})
    assert farm is not None
    assert (farm.version, farm.sql_server, farm.config_db) == \
        ("MOSS 2007", "SQL05A\\SHAREPOINT", "SP_Config")
    assert farm.front_ends == ("SP01",) and farm.admin_port == 38142
    wss = sharepoint_from_json({"sharepoint": {"version": "12.0.0.4518", "moss": False,
                                               "dsn": "Server=db;Database=cfg"}})
    assert wss is not None and (wss.version, wss.sql_server, wss.config_db) == \
        ("WSS 3.0", "DB", "cfg")


def test_dsn_part_reads_any_spelling() -> None:
    assert dsn_part("Server = a ; data source=b", "Data Source") == "b"
    assert dsn_part("Address=x", "Data Source", "Address") == "x"
    assert dsn_part("nothing", "Server") == ""


@pytest.mark.parametrize(("db_server", "host", "consolidated"), [
    ("BES01\\BLACKBERRY", "BES01", True), ("(local)\\BLACKBERRY", "BES01", True),
    ("SQLBES", "BES01", False)])
def test_blackberry_consolidated_when_its_database_is_local(db_server: str, host: str,
                                                            consolidated: bool) -> None:
    bes = blackberry_from_json({"blackberry": {"version": "4.1.6.15", "db_server": db_server,
                                               "db_name": "BESMgmt", "host": host}})
    assert bes is not None and bes.version == "4.1.6" and bes.consolidated is consolidated


CLUSTER: dict[str, Any] = {"cluster": {"name": "EXCLUS", "nodes": ["exnode1", "EXNODE2"], "detect_ms": 5000,
                       "groups": [
    {"name": "Cluster Group", "owner": "EXNODE1", "drives": ["Q:"], "resources": [
        {"name": "Cluster IP Address", "type": "IP Address", "pending_ms": 60000,
         "ip": "10.0.0.60", "network_name": ""},
        {"name": "Cluster Name", "type": "Network Name", "pending_ms": 60000, "ip": "",
         "network_name": "EXCLUS"}]},
    {"name": "EVS1 Group", "owner": "EXNODE1", "drives": ["E", "F"], "resources": [
        {"name": "EVS1 IP Address", "type": "IP Address", "pending_ms": 85000,
         "ip": "10.0.0.65", "network_name": ""},
        {"name": "EVS1 Network Name", "type": "Network Name", "pending_ms": 85000, "ip": "",
         "network_name": "evs1"}]},
    {"name": "Available Storage", "owner": "EXNODE2", "drives": ["G"], "resources": []}]}}


def test_cluster_virtual_servers_and_failover_time() -> None:
    parsed = cluster_from_json(CLUSTER)
    assert parsed is not None
    info, named = parsed
    assert (info.name, info.nodes, info.node_failover_seconds) == \
        ("EXCLUS", ("EXNODE1", "EXNODE2"), 90)  # 5 s detection + the slowest resource
    assert info.virtual_servers == (VirtualServer(
        "EVS1", "10.0.0.65", "EVS1 Group", ("EVS1 IP Address", "EVS1 Network Name"),
        ("E", "F"), "EXNODE1"),)
    assert set(named) == {"EXCLUS", "EVS1"}  # the cluster's own name, not in the list


def test_cluster_groups_list_every_resource_and_its_state() -> None:
    doc = copy.deepcopy(CLUSTER)
    doc["cluster"]["groups"][2]["resources"] = [  # a script resource made offline
        {"name": "EVS1_LN post-failover script", "type": "Generic Script", "pending_ms": 0,
         "ip": "", "network_name": "", "online": False}]
    parsed = cluster_from_json(doc)
    assert parsed is not None
    groups = {g.name: g for g in parsed[0].groups}
    assert list(groups) == ["Cluster Group", "EVS1 Group", "Available Storage"]
    evs = groups["EVS1 Group"]
    assert (evs.owner, evs.drives) == ("EXNODE1", ("E", "F"))
    assert evs.resources == (
        ClusterResource("EVS1 IP Address", "IP Address", "10.0.0.65", "", True),
        ClusterResource("EVS1 Network Name", "Network Name", "", "EVS1", True))
    (script,) = groups["Available Storage"].resources
    assert (script.type, script.online) == ("Generic Script", False)


def _node_inventory() -> dict[str, object]:
    return {"hostname": "EXNODE1", "domain": "lab.example.com", "domain_role": 3,
            "os": {"caption": "Microsoft Windows Server 2003 Enterprise Edition",
                   "version": "5.2.3790"},
            "nics": [{"name": "LAN", "ips": ["10.0.0.61", "10.0.0.65"], "prefix": 22}],
            "volumes": [{"letter": "C"}, {"letter": "E"}, {"letter": "F"}],
            "services": [{"name": "ClusSvc", "state": "Running"},
                         {"name": "MSExchangeIS", "state": "Running"},
                         {"name": "LanmanServer", "state": "Running"}],
            "shares": [{"name": "E$", "path": "E:\\", "admin": True},
                       {"name": "C$", "path": "C:\\", "admin": True}],
            "engine": {"installed": True, "running": True, "version": "0.1.0", "port": 6320}}


def test_app_ops_follow_the_services() -> None:
    svc = [Service(n) for n in ("ClusSvc", "MSExchangeIS", "MSSQL$INST1", "SPTimerV3",
                                "BlackBerry Controller", "Spooler")]
    assert app_ops(svc, "EVS1") == [
        ("cluster_info", {}), ("exchange_inventory", {"server": "EVS1"}),
        ("sql_inventory", {"server": "EVS1"}), ("sharepoint_inventory", {}),
        ("bes_inventory", {})]
    assert app_ops([Service("LanmanServer")], "FS01") == []


def test_a_virtual_server_is_seen_as_itself_on_its_node() -> None:
    base = server_from_inventory(_node_inventory())
    docs = {"cluster_info": CLUSTER, "exchange_inventory": EXCHANGE}
    vs = with_apps(base, "EVS1", docs)
    assert (vs.name, vs.fqdn, vs.ips) == ("EVS1", "evs1.lab.example.com", ("10.0.0.65",))
    assert vs.nics[0].subnet_prefix == 22 and vs.volume_letters == {"E", "F"}
    assert [s.name for s in vs.shares] == ["E$"]
    assert vs.roles == ("exchange", "cluster-virtual")
    assert vs.apps.cluster is not None and vs.apps.exchange is not None
    node = with_apps(base, "EXNODE1", docs)
    assert node.name == "EXNODE1" and node.roles[-1] == "cluster-node"
    assert node.volume_letters == {"C", "E", "F"}


def test_versions_round_trip_every_product() -> None:
    for product in ("2000", "2005", "2008", "2008 R2", "2012", "2014", "2016", "2017", "2019",
                    "2022"):
        for sp in ("", "SP1", "SP2"):
            assert v.sql_product(v.sql_build(product, sp)) == product
    for product in ("2000", "2003", "2007", "2010", "2013", "2016", "2019"):
        assert v.exchange_product(v.exchange_serial(product)) == product
    for product in ("WSS 3.0", "MOSS 2007", "SharePoint Server 2010"):
        assert v.sharepoint_product(*v.sharepoint_build(product)) == product
    assert v.exchange_roles(v.exchange_role_bits(("mailbox", "hub")), "2007") == ("mailbox", "hub")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.sampled_from(["name", "dn", "serial", "roles",
                                                      "storage_groups", "stores", "instances",
                                                      "databases", "files", "db", "id", "dsn",
                                                      "groups", "resources", "nodes", "version",
                                                      "exchange", "sharepoint", "blackberry",
                                                      "cluster"]), kids, max_size=5),
                    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_parsers_never_fail_with_anything_but_a_protocol_error(doc: object) -> None:
    for parse in (exchange_from_json, sql_from_json, sharepoint_from_json, blackberry_from_json,
                  cluster_from_json):
        with contextlib.suppress(ProtocolError):
            parse(doc)


@given(st.lists(st.text(max_size=20), max_size=5))
def test_smtp_ips_never_raises_and_keeps_no_blanks(bindings: list[str]) -> None:
    assert all(ip and ip != "0.0.0.0" for ip in smtp_ips(list(bindings)))
