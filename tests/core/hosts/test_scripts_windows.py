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
