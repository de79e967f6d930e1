"""The estate file's applications, clusters and deliberate faults (no servers started)."""

from __future__ import annotations

import copy
import ipaddress
import tomllib
from pathlib import Path
from typing import Any

import dns.name
import dns.rdatatype
import dns.reversename
import pytest

from core.errors import InvalidInput
from core.lab.db_pages import PAGE, PAGES, check
from core.lab.dns_zones import build_zones
from core.lab.estate import Estate, default_estate_path, load_estate, parse_estate
from core.lab.seed import app_paths, prepare
from core.model.apps import SqlInstance

NET = "127.0.44"


@pytest.fixture(scope="module")
def estate() -> Estate:
    return load_estate(net=NET)


def _data() -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads(default_estate_path().read_text("utf-8")))


def _instances(est: Estate, name: str) -> dict[str, SqlInstance]:
    return {i.name: i for i in est.server(name).apps.sql}


def test_the_walking_skeleton_servers_are_unchanged(estate: Estate) -> None:
    assert [(s.name, s.ip, s.volumes) for s in estate.servers[:4]] == [
        ("DC01", f"{NET}.1", ("C",)), ("FS01", f"{NET}.11", ("C", "E")),
        ("FS02", f"{NET}.12", ("C", "E")), ("FS03", f"{NET}.13", ("C",))]
    assert estate.server("FS03").faults == ("no-e-volume",)
    assert all(s.apps == estate.apps_of(s) and s.apps.exchange is None and not s.apps.sql
               for s in estate.servers[:4])


def test_every_address_is_unique_and_in_one_loopback_24(estate: Estate) -> None:
    ips = [ip for s in estate.servers for ip in s.ips]
    assert len(ips) == len(set(ips)) >= 30
    net = ipaddress.ip_network(f"{NET}.0/24")
    assert all(ipaddress.ip_address(ip) in net for ip in ips)


def test_every_application_is_in_the_default_estate(estate: Estate) -> None:
    exch = [s.name for s in estate.servers if s.apps.exchange]
    assert {"EXCH01", "EXCH02", "EVS1"} <= set(exch)
    ex1 = estate.server("EXCH01").apps.exchange
    assert ex1 is not None and ex1.version == "2007" and "mailbox" in ex1.roles
    assert [g.log_prefix for g in ex1.storage_groups] == ["E00", "E01"]
    assert ex1.smtp_vs_ips == (f"{NET}.141",) and f"{NET}.141" in estate.server("EXCH01").ips
    for name in ("SQL01", "SQL02"):
        insts = _instances(estate, name)
        assert set(insts) == {"MSSQLSERVER", "INST1"}
        assert {i.version for i in insts.values()} == {"2008"}
    sales = next(d for d in _instances(estate, "SQL01")["MSSQLSERVER"].databases
                 if d.name == "Sales")
    assert sorted(f.kind for f in sales.files) == ["data", "log", "ndf"]
    assert [d.name for d in _instances(estate, "SQL01")["INST1"].databases if d.system] == \
        ["master", "tempdb", "model", "msdb"]
    for sp, back_end in (("SP01", "SQL05A"), ("SP02", "SQL05B")):
        farm = estate.server(sp).apps.sharepoint
        assert farm is not None and (farm.version, farm.sql_server) == ("MOSS 2007", back_end)
        hosted = {d.name for d in _instances(estate, back_end)["MSSQLSERVER"].databases}
        assert set(farm.databases) <= hosted and farm.config_db in hosted
        assert _instances(estate, back_end)["MSSQLSERVER"].version == "2005"
    for bes in ("BES01", "BES02"):
        bb = estate.server(bes).apps.blackberry
        assert bb is not None and (bb.version, bb.consolidated) == ("4.1.6", True)
        express = _instances(estate, bes)["BLACKBERRY"]
        assert (express.version, express.edition) == ("2005", "Express")
        assert bb.database in {d.name for d in express.databases}


def test_clusters_nodes_and_virtual_servers(estate: Estate) -> None:
    evs = estate.server("EVS1")
    info = estate.apps_of(evs).cluster
    assert info is not None and (info.name, info.nodes) == ("EXCLUS", ("EXNODE1", "EXNODE2"))
    assert [vs.name for vs in info.virtual_servers] == ["EVS1"]
    assert (evs.owner, evs.virtual, evs.apps.exchange and evs.apps.exchange.version) == \
        ("EXNODE1", True, "2003")
    assert {s.name for s in estate.owned("EXNODE1")} == {"EVS1", "EXCLUS"}
    assert estate.owned("EXNODE2") == ()
    assert "cluster-node" in estate.server("EXNODE2").roles
    sqlvs = _instances(estate, "SQLVS1")["MSSQLSERVER"]
    assert sqlvs.clustered and sqlvs.virtual_server == "SQLVS1" and sqlvs.version == "2008"
    assert estate.apps_of(estate.server("SQLNODE2")).cluster.name == "SQLCLUS"  # type: ignore[union-attr]
    assert {s.name for s in estate.hosts} >= {"EXNODE1", "SQLNODE1"}
    assert not {"EVS1", "SQLVS1", "EXCLUS", "SQLCLUS"} & {s.name for s in estate.hosts}


# --- the deliberate faults the health check must find (issue 5) ---------------------------
def test_fault_sql_version_mismatch(estate: Estate) -> None:
    src, tgt = _instances(estate, "SQL01"), _instances(estate, "SQL03")
    assert set(src) == set(tgt)  # the instances match: only the version differs
    assert {i.version for i in src.values()} == {"2008"}
    assert {i.version for i in tgt.values()} == {"2005"}
    assert "sql-version-mismatch" in estate.server("SQL03").faults


def test_fault_named_instance_missing(estate: Estate) -> None:
    assert "INST1" in _instances(estate, "SQL01") and set(_instances(estate, "SQL04")) == \
        {"MSSQLSERVER"}
    assert _instances(estate, "SQL04")["MSSQLSERVER"].version == "2008"
    assert "no-named-instance" in estate.server("SQL04").faults


def test_fault_exchange_on_a_domain_controller(estate: Estate) -> None:
    dc, src = estate.server("DC02"), estate.server("EXCH01")
    assert "dc" in dc.roles and "exchange-on-dc" in dc.faults
    assert dc.apps.exchange is not None and src.apps.exchange is not None
    # everything else matches EXCH01, so only the DC check fails
    assert dc.apps.exchange.storage_groups == src.apps.exchange.storage_groups
    assert dc.apps.exchange.admin_group == src.apps.exchange.admin_group


def test_fault_storage_group_paths_differ(estate: Estate) -> None:
    src = estate.server("EXCH01").apps.exchange
    bad = estate.server("EXCH03").apps.exchange
    assert src is not None and bad is not None
    assert [(g.name, g.log_prefix) for g in src.storage_groups] == \
        [(g.name, g.log_prefix) for g in bad.storage_groups]
    assert [g.log_path for g in src.storage_groups] != [g.log_path for g in bad.storage_groups]
    assert all(g.log_path.startswith("F:") for g in bad.storage_groups)
    assert "sg-paths-differ" in estate.server("EXCH03").faults


def test_clean_pairs_match(estate: Estate) -> None:
    def ex(n: str) -> Any:
        return estate.server(n).apps.exchange

    assert ex("EXCH01").storage_groups == ex("EXCH02").storage_groups
    assert ex("EXCH01").admin_group == ex("EXCH02").admin_group
    assert {(i.name, i.version, i.service_pack) for i in estate.server("SQL01").apps.sql} == \
        {(i.name, i.version, i.service_pack) for i in estate.server("SQL02").apps.sql}
    assert estate.server("BES01").apps.blackberry.version == \
        estate.server("BES02").apps.blackberry.version  # type: ignore[union-attr]


def test_dns_zone_has_every_address_and_the_mx(estate: Estate) -> None:
    zones = build_zones(estate)
    fwd = zones[dns.name.from_text("lab.example.com.")]
    rev = zones[dns.name.from_text("44.0.127.in-addr.arpa.")]
    for s in estate.servers:
        host = dns.name.from_text(f"{s.fqdn(estate.domain)}.")
        a = fwd.get(host, dns.rdatatype.A)
        assert a is not None and {r.to_text() for r in a} == set(s.ips), s.name
        for ip in s.ips:
            ptr = rev.get(dns.reversename.from_address(ip), dns.rdatatype.PTR)
            assert ptr is not None and [r.to_text() for r in ptr] == [host.to_text()], ip
    mx = fwd.get(fwd.origin, dns.rdatatype.MX)
    assert mx is not None and [r.to_text() for r in mx] == ["10 exch01.lab.example.com."]


def test_first_up_creates_small_real_application_files(estate: Estate, tmp_path: Path) -> None:
    prepare(estate, tmp_path)
    sql01 = tmp_path / "servers" / "SQL01"
    for rel in ("E/SQLData/MSSQLSERVER/Sales.mdf", "E/SQLData/MSSQLSERVER/Sales_2.ndf",
                "E/SQLLogs/MSSQLSERVER/Sales_log.ldf", "E/SQLData/INST1/Inventory_2.ndf",
                "C/Program Files/Microsoft SQL Server/MSSQL10.MSSQLSERVER/MSSQL/DATA/master.mdf",
                "C/Program Files/Microsoft SQL Server/MSSQL10.INST1/MSSQL/DATA/templog.ldf"):
        assert (sql01 / rel).stat().st_size == PAGES * PAGE, rel
        assert check(sql01 / rel) == (PAGES, []), rel  # every page's checksum holds
    evs = tmp_path / "servers" / "EVS1"
    assert (evs / "E" / "Exchsrvr" / "mdbdata" / "priv1.stm").is_file()
    assert (evs / "F" / "Exchsrvr" / "Logs" / "First Storage Group" / "E00.chk").is_file()
    for node in ("EXNODE1", "EXNODE2"):  # program files on every node's own C:
        assert (tmp_path / "servers" / node / "C" / "Program Files" / "Exchsrvr").is_dir()
    exch03_logs = tmp_path / "servers" / "EXCH03" / "F" / "ExchangeLogs" / "First Storage Group"
    assert (exch03_logs / "E00.log").is_file()
    edb = (tmp_path / "servers" / "EXCH01" / "E" / "Exchange" / "Data" / "First Storage Group"
           / "Mailbox Database.edb")
    edb.write_bytes(b"changed by replication")
    prepare(estate, tmp_path)  # a restart keeps what is there
    assert edb.read_bytes() == b"changed by replication"
    dirs, files = app_paths(estate.server("FS01"))
    assert dirs == files == []


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["servers"][5].update(host=11), "host 11 is already FS01's address"),
    (lambda d: d["servers"][4].update(extra_hosts=[255]), "outside 1-254"),
    (lambda d: d["servers"][4]["exchange"].update(smtp_vs=[150]), "not one of its addresses"),
    (lambda d: d["servers"][4]["exchange"].update(version="5.5"), "unknown Exchange version"),
    (lambda d: d["servers"][4]["exchange"].update(roles=["mailbox", "router"]), "Exchange roles"),
    (lambda d: d["servers"][8]["sql"][0]["databases"].append(
        {"name": "X", "files": ["E:\\X.mdf"]}), "needs a .mdf and a .ldf"),
    (lambda d: d["servers"][8]["sql"][0].update(version="7.0"), "unknown SQL Server version"),
    (lambda d: d["servers"][8]["sql"].append({"name": "INST1", "port": 50000}), "listed twice"),
    (lambda d: d["servers"][8]["sql"][1].pop("port"), "needs a TCP port"),
    (lambda d: d["servers"][14].pop("sharepoint") and d["servers"][14].update(
        sharepoint={"version": "MOSS 2007"}), "back-end sql_server"),
    (lambda d: next(s for s in d["servers"] if s["name"] == "EVS1").update(cluster="NOPE"),
     r"no \[\[clusters\]\] entry"),
    (lambda d: next(s for s in d["servers"] if s["name"] == "EVS1").update(owner="SQL01"),
     "not a node of EXCLUS"),
    (lambda d: d["clusters"][0].update(nodes=["EXNODE1"]), "two or more servers"),
    (lambda d: d["domain"].update(mx="NOPE"), "not in the estate"),
])
def test_estate_mistakes_are_named(edit: Any, message: str) -> None:
    data = _data()
    edit(data)
    with pytest.raises(InvalidInput, match=message):
        parse_estate(data)
