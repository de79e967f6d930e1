"""SharePoint and BlackBerry checks on the lab estate (pass and fail each, and the Fix)."""

from __future__ import annotations

import dataclasses

from core.apps.farm_memory import remember_front_ends, remembered_front_end
from core.validation import Status, fix
from core.validation.base import get_check
from core.validation.context import gather
from core.validation.runner import validate
from tests.core.doubles import FakeDirectory, FakeWorld
from tests.core.validation.appworld import ADMIN_HOST, app_config, change_apps, check
from tests.present import present


# --- sharepoint.versions --------------------------------------------------------------------
def test_versions_pass_with_the_farms_found_on_the_front_ends(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "sharepoint.versions")
    assert (res.status, res.reason) == (Status.PASSED, "MOSS 2007 on both farms (SP01, SP02)")
    asked = [n for n, h in lab.hosts.items()
             if any(c[:2] == ("run_op", "sharepoint_inventory") for c in h.calls)]
    assert "SP01" in asked and "SP02" in asked and "DC01" not in asked  # DCs are not scanned


def test_versions_fail_when_the_farms_differ(lab: FakeWorld) -> None:
    farm = dataclasses.replace(present(lab.hosts["SP02"].server.apps.sharepoint), version="WSS 3.0")
    change_apps(lab, "SP02", sharepoint=farm)
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "sharepoint.versions")
    assert res.status is Status.ERROR
    assert res.reason == ("the farm on SQL05A runs MOSS 2007 but the one on SQL05B runs WSS 3.0: "
                          "SharePoint versions must be identical")


def test_versions_use_the_farms_of_get_config_and_warn_when_none(lab: FakeWorld) -> None:
    lab.ctx.directory = lambda: FakeDirectory([])
    cfg = app_config(lab, "sharepoint", "SQL05A", "SQL05B")
    res = check(lab, cfg, "sharepoint.versions")
    assert res.status is Status.WARNING and "SQL05A or SQL05B" in res.reason
    farm = present(lab.servers["SP01"].apps.sharepoint)
    vctx = gather(lab.ctx, cfg, admin=ADMIN_HOST, farms={"sql05a": farm, "SQL05B": farm})
    report = validate(lab.ctx, cfg, checks=[get_check("sharepoint.versions")], vctx=vctx)
    assert report.result("sharepoint.versions").status is Status.PASSED


def _sp_asked(lab: FakeWorld) -> list[str]:
    return sorted(n for n, h in lab.hosts.items()
                  if any(c[:2] == ("run_op", "sharepoint_inventory") for c in h.calls))


def _fresh_run(lab: FakeWorld) -> None:
    from core.validation.shared import shared

    shared(lab.ctx).forget()
    for h in lab.hosts.values():
        h.calls.clear()


def test_a_front_end_found_once_is_asked_again_instead_of_scanning(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sharepoint", "SQL05A", "SQL05B")
    check(lab, cfg, "sharepoint.versions")
    assert remembered_front_end(lab.ctx.paths, "sql05a") == "SP01"
    _fresh_run(lab)
    res = check(lab, cfg, "sharepoint.versions")
    assert (res.status, res.reason) == (Status.PASSED, "MOSS 2007 on both farms (SP01, SP02)")
    assert _sp_asked(lab) == ["SP01", "SP02"]  # no scan of the domain


def test_a_remembered_front_end_that_moved_on_leads_to_a_scan(lab: FakeWorld) -> None:
    cfg = app_config(lab, "sharepoint", "SQL05A", "SQL05B")
    remember_front_ends(lab.ctx.paths, {"SQL05A": "SP02", "SQL05B": "FS01"})  # both wrong
    res = check(lab, cfg, "sharepoint.versions")
    assert res.status is Status.PASSED
    assert "FS02" in _sp_asked(lab)  # scanned
    assert remembered_front_end(lab.ctx.paths, "SQL05A") == "SP01"
    assert remembered_front_end(lab.ctx.paths, "SQL05B") == "SP02"


def test_a_remembered_front_end_that_is_down_leads_to_a_scan(lab: FakeWorld) -> None:
    from core.errors import Unreachable

    cfg = app_config(lab, "sharepoint", "SQL05A", "SQL05B")
    remember_front_ends(lab.ctx.paths, {"SQL05A": "FS02"})
    lab.hosts["FS02"].error = Unreachable("FS02 did not answer on WinRM port 5985")
    res = check(lab, cfg, "sharepoint.versions")
    assert (res.status, res.reason) == (Status.PASSED, "MOSS 2007 on both farms (SP01, SP02)")
    assert remembered_front_end(lab.ctx.paths, "SQL05A") == "SP01"  # found by the scan


def test_a_damaged_memory_file_costs_a_scan_not_an_error(lab: FakeWorld) -> None:
    lab.ctx.paths.state.mkdir(parents=True, exist_ok=True)
    (lab.ctx.paths.state / "sharepoint_front_ends.json").write_text("{not json")
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "sharepoint.versions")
    assert res.status is Status.PASSED
    assert remembered_front_end(lab.ctx.paths, "SQL05A") == "SP01"


# --- sharepoint.port_6350 -------------------------------------------------------------------
def test_port_6350_passes_when_open(lab: FakeWorld) -> None:
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "sharepoint.port_6350")
    assert res.reason == "TCP port 6350 is open on SQL05A and SQL05B"


def test_port_6350_fails_and_fix_opens_it(lab: FakeWorld) -> None:
    lab.hosts["SQL05B"].run_op("firewall_port", {"port": 6350, "open": False})
    cfg = app_config(lab, "sharepoint", "SQL05A", "SQL05B")
    res = check(lab, cfg, "sharepoint.port_6350")
    assert res.status is Status.ERROR and res.fixable
    assert res.reason.startswith("the Windows Firewall of SQL05B blocks TCP port 6350")
    out = fix(lab.ctx, cfg, "sharepoint.port_6350")
    assert out.result.status is Status.PASSED
    assert ("run_op", "firewall_port", {"port": 6350, "open": True}) in lab.hosts["SQL05B"].calls


def test_port_6350_reports_a_host_without_the_operation(lab: FakeWorld) -> None:
    del lab.hosts["SQL05A"].ops["firewall_port"]
    res = check(lab, app_config(lab, "sharepoint", "SQL05A", "SQL05B"), "sharepoint.port_6350")
    assert res.status is Status.WARNING and not res.fixable
    assert res.reason.startswith("could not tell whether TCP port 6350 is open on SQL05A")


# --- blackberry.consolidated / blackberry.backend -------------------------------------------
def test_consolidated_passes_for_bes01_bes02(lab: FakeWorld) -> None:
    cfg = app_config(lab, "blackberry", "BES01", "BES02")
    assert check(lab, cfg, "blackberry.consolidated").status is Status.PASSED
    res = check(lab, cfg, "blackberry.backend")
    assert res.reason == ("BES01\\BLACKBERRY SQL Server Express, "
                          "BES02\\BLACKBERRY SQL Server Express")


def test_consolidated_fails_for_a_distributed_target(lab: FakeWorld) -> None:
    bes = dataclasses.replace(present(lab.hosts["BES02"].server.apps.blackberry),
                              sql_server="SQL05B", consolidated=False)
    change_apps(lab, "BES02", blackberry=bes)
    res = check(lab, app_config(lab, "blackberry", "BES01", "BES02"), "blackberry.consolidated")
    assert res.status is Status.ERROR
    assert res.reason.startswith("BES02 keeps its BES database on SQL05B (distributed)")


def test_backend_fails_on_an_unsupported_sql_version(lab: FakeWorld) -> None:
    insts = tuple(dataclasses.replace(i, version="2008", edition="Standard")
                  for i in lab.hosts["BES02"].server.apps.sql)
    change_apps(lab, "BES02", sql=insts)
    res = check(lab, app_config(lab, "blackberry", "BES01", "BES02"), "blackberry.backend")
    assert res.status is Status.ERROR
    assert res.reason.startswith("BES02: blackberry 4.1.6 needs a SQL Server back end of")
