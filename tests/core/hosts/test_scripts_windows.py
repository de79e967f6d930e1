"""Static checks that the operation scripts hold up on real Windows Server 2008 R2 - 2022
with PowerShell 3 - 5.1 (issue 10 item 7): what breaks there is visible in the text."""

from __future__ import annotations

import re

import pytest

from core.hosts.ops import OPS, script_body

SQL_OPS = ["sql_inventory", "sql_attach", "sql_detach"]


def _functions_setting_continue(body: str) -> set[str]:
    return {m.group(1) for m in re.finditer(
        r"^function (\w+) \{ \$ErrorActionPreference = 'Continue';", body, re.MULTILINE)}


@pytest.mark.parametrize("op", sorted(OPS))
def test_native_stderr_is_redirected_only_under_continue(op: str) -> None:
    """``& net.exe ... 2>&1`` under the preamble's Stop throws on the first stderr line
    ("already a member") in PowerShell 3-5: a redirect belongs in a one-line function that
    sets ErrorActionPreference Continue first and returns the exit code."""
    body = script_body(op)
    for line in body.splitlines():
        if "2>&1" in line:
            assert re.match(r"function \w+ \{ \$ErrorActionPreference = 'Continue';", line), line
            assert "$LASTEXITCODE" in line, line


@pytest.mark.parametrize("op,exe", [("admin_group_add", "net.exe"), ("dns_zone_add", "dnscmd.exe")])
def test_native_tools_run_through_the_continue_helper(op: str, exe: str) -> None:
    body = script_body(op)
    helpers = _functions_setting_continue(body)
    calls = [ln for ln in body.splitlines() if exe in ln]
    assert calls and helpers
    for ln in calls:
        assert re.search(rf"= ({'|'.join(helpers)}) {re.escape(exe)} ", ln), ln
    # "already a member" / "already exists" are success, read from the joined output
    assert re.search(r"already (a member|exists)", body)


@pytest.mark.parametrize("op", SQL_OPS)
def test_sql_scripts_have_a_sql_2000_branch(op: str) -> None:
    """SQL Server 2000 has no sys.* views: a script that reads one chooses by the version."""
    body = script_body(op)
    if not re.search(r"\bsys\.\w+", body):
        return
    assert "$c.ServerVersion -lt '09'" in body  # "08.00.2039" on SQL 2000
    assert "master..sysaltfiles" in body


def test_sql_inventory_on_sql_2000_reads_the_system_tables() -> None:
    body = script_body("sql_inventory")
    assert "master..sysdatabases" in body and "DATABASEPROPERTYEX(name,'Status')" in body
    assert "status&64=64 THEN 'LOG'" in body  # a log file in sysaltfiles


def test_sysadmin_is_checked_through_groups() -> None:
    """A login that is sysadmin through a Windows group is listed (IS_SRVROLEMEMBER);
    sys.server_role_members lists only direct members (and does not exist on SQL 2000)."""
    body = script_body("sql_inventory")
    assert "IS_SRVROLEMEMBER('sysadmin')=1" in body and "SUSER_SNAME()" in body
    assert "server_role_members" not in body


def test_cluster_resource_uses_the_failover_clusters_module_first() -> None:
    """cluster.exe is gone from Windows 2012 on: every action has a FailoverClusters
    cmdlet, and cluster.exe runs only when the module is not there (2008)."""
    body = script_body("cluster_resource")
    assert "$fc = [bool](Get-Module -ListAvailable FailoverClusters)" in body
    for cmdlet in ("Add-ClusterResource ", "Set-ClusterParameter ", "Add-ClusterResourceDependency ",
                   "Start-ClusterResource ", "Stop-ClusterResource ", "Remove-ClusterResource "):
        assert cmdlet in body, cmdlet
    lines = body.splitlines()
    module = next(i for i, ln in enumerate(lines) if ln.startswith("if ($fc) {"))
    back = next(i for i, ln in enumerate(lines) if ln.endswith("; return }"))
    # cluster.exe: in the helper N and after the module branch returned, nowhere else
    uses = [i for i, ln in enumerate(lines) if "cluster.exe" in ln and not ln.startswith("function N ")]
    assert module < back and all(i > back for i in uses)
    [call] = [i for i, ln in enumerate(lines) if re.search(r"(^|[;{]\s*)N @", ln)]
    assert back < call


def test_sharepoint_2007_object_model_runs_in_a_powershell_2_child() -> None:
    """WSS 3 / MOSS 2007 (and 2010) assemblies are .NET 2: PowerShell 3 (.NET 4) cannot load
    them. The object model lives in one script block, run by ``powershell.exe -Version 2``
    below version 15 and in-process from SharePoint 2013 on."""
    body = script_body("sharepoint_inventory")
    start = body.index("$om = {")
    end = body.index("try {", start)
    block, rest = body[start:end], body[:start] + body[end:]
    assert "SPFarm]::Local" in block and "Microsoft.SharePoint" not in rest
    assert ("if ([double]$w.PSChildName -lt 15) { & powershell.exe -Version 2 -NoProfile "
            "-NonInteractive -Command $om } else { & $om }") in rest


def test_sharepoint_farm_keys_are_the_labs(tmp_path) -> None:
    """The farm keys the script block returns and the host keys it adds are the lab's."""
    from core.lab.app_json import sharepoint_json
    from core.lab.estate import load_estate

    estate = load_estate(net="127.0.70")
    farm = next(s.apps.sharepoint for s in estate.servers if s.apps.sharepoint is not None)
    lab = set(sharepoint_json(farm)["sharepoint"])
    body = script_body("sharepoint_inventory")
    block = body[body.index("$om = {"):body.index("try {")]
    returned = set(re.findall(r"(?:^|@\{)(\w+) = ", block, re.MULTILINE)) - {"name", "role", "$f"}
    host = set(re.findall(r"(?<![$\w])(\w+) = ", body[body.index("$o = @{"):body.index("$om = {")]))
    assert returned == {"servers", "databases", "admin_port"}, returned
    assert returned | host == lab, (host, lab)


@pytest.mark.parametrize("op", sorted(OPS))
def test_no_script_searches_the_directory(op: str) -> None:
    """ADSI over LDAP in a WinRM session has no credentials for a DC (the double hop): the
    console does directory work over its own LDAP. (WinNT:// reads the local machine.)"""
    body = script_body(op)
    assert "LDAP://" not in body and "DirectorySearcher" not in body


def test_exchange_inventory_prints_the_host_half_the_lab_answers() -> None:
    from core.lab.app_json import EXCHANGE_LOCAL

    body = script_body("exchange_inventory")
    table = body[body.index("$o = @{") + 7:body.index("ConvertTo-Json -InputObject @{exchange = $o}")]
    printed = set(re.findall(r"(?<![$\w])(\w+) = ", table))
    assert printed == set(EXCHANGE_LOCAL)


def test_the_console_joins_the_two_halves() -> None:
    from core.hosts.app_merge import exchange_doc
    from core.hosts.inventory_apps import exchange_from_json

    local = {"exchange": {"mta_path": "E:\\MTA", "program_path": "C:\\Exchsrvr",
                          "service_account": "LAB\\svc"}}
    part = {"name": "EXCH01", "serial": "Version 8.1 (Build 30240.6)", "roles": 38,
            "dn": "CN=EXCH01,CN=Servers,CN=AG,CN=Administrative Groups,CN=LAB,"
                  "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=lab",
            "storage_groups": [{"name": "SG1", "prefix": "E00", "log_path": "E:\\L",
                                "system_path": "E:\\L", "stores": []}],
            "bindings": ["10.0.0.41:25"], "queue_path": "E:\\Q"}
    ex = exchange_from_json(exchange_doc(local, part))
    assert ex is not None and ex.mta_path == "E:\\MTA" and ex.storage_groups[0].log_prefix == "E00"
    assert ex.smtp_vs_ips == ("10.0.0.41",) and ex.service_account == "LAB\\svc"
    # no Exchange on the host, or no server object in the directory: no Exchange
    assert exchange_doc({"exchange": None}, part) == {"exchange": None}
    assert exchange_doc(local, None) == {"exchange": None}
