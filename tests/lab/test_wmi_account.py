"""Application monitoring's WMI account against the lab (net 127.0.61): the real façade
logs in to the lab source over WinRM as the WMI account. The lab's endpoints accept only
the estate's admin with its password (on a lab server only the administrators have WMI
access), so a wrong password — or any other account — is refused for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.console import Console
from core.errors import AuthFailed, InvalidInput, Unreachable
from core.lab.context import lab_context, running_lab
from core.model.pair import Pair
from core.paths import AppPaths
from core.settings import load_settings
from tests.lab.conftest import Lab

NET = "127.0.61"



@pytest.fixture
def console(lab: Lab) -> Console:
    """A fresh console (and credential cache) on the running lab, as `appmgr --lab` opens."""
    home = lab.home.resolve()
    paths = AppPaths(home / "config", home / "state", home / "logs", home / "lab").ensure()
    return Console(lab_context(paths, load_settings(paths.config / "settings.json")),
                   advanced=True)


def admin(lab: Lab) -> tuple[str, str]:
    home = lab.home.resolve()
    _, estate = running_lab(AppPaths(home / "config", home / "state", home / "logs",
                                     home / "lab"))
    return estate.admin_user, estate.admin_password


def test_right_password_answers_with_the_sources_services(lab: Lab, console: Console) -> None:
    user, password = admin(lab)
    cfg = console.wmi_account.set_wmi_credentials(console.configure.load_config(Pair("sql", "SQL01", "SQL02")), user,
                                      password)
    lines = console.wmi_account.wmi_test(cfg)
    names = [s.name for s in cfg.failover.services]
    assert lines[0].startswith(f"SQL01: WMI login as {user} works; {len(names)} services "
                               "answered (")
    assert "MSSQLSERVER Running" in lines[0]
    assert len(lines) == 1, lines  # every configured service is on the source


def test_wrong_password_is_refused_by_the_lab(lab: Lab, console: Console) -> None:
    user, password = admin(lab)
    cfg = console.wmi_account.set_wmi_credentials(console.configure.load_config(Pair("sql", "SQL01", "SQL02")), user,
                                      "not-the-password")
    with pytest.raises(AuthFailed) as info:
        console.wmi_account.wmi_test(cfg)
    assert str(info.value).startswith(f"SQL01 refused the WMI login as {user}: a wrong "
                                      "password, or an account that may not log in over WinRM")
    assert "not-the-password" not in str(info.value) and password not in str(info.value)
    with pytest.raises(InvalidInput) as again:  # the rejected password was dropped
        console.wmi_account.wmi_test(cfg)
    assert again.value.field == "monitoring.application.wmi_password"


def test_an_account_the_lab_does_not_know_is_refused(lab: Lab, console: Console) -> None:
    _, password = admin(lab)
    cfg = console.wmi_account.set_wmi_credentials(console.configure.load_config(Pair("sql", "SQL01", "SQL02")),
                                      "LAB\\monitor", password)
    with pytest.raises(AuthFailed, match="refused the WMI login as LAB\\\\monitor"):
        console.wmi_account.wmi_test(cfg)


def test_custom_script_is_looked_for_on_the_target(lab: Lab, console: Console) -> None:
    user, password = admin(lab)
    cfg = console.wmi_account.set_wmi_credentials(console.configure.load_config(Pair("sql", "SQL01", "SQL02")), user,
                                      password)
    cfg = console.configure.apply(cfg, ["monitoring.application.method=script",
                              "monitoring.application.script_path=E:\\Scripts\\check.ps1"])
    with pytest.raises(InvalidInput, match="does not exist on SQL02"):
        console.wmi_account.wmi_test(cfg)
    script: Path = lab.volume("SQL02", "E") / "Scripts" / "check.ps1"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("exit 0\n")
    assert console.wmi_account.wmi_test(cfg)[-1] == ("SQL02: the custom script E:\\Scripts\\check.ps1 "
                                         "is there (the target's monitor runs it)")


def test_clear_then_unreachable(lab: Lab, console: Console) -> None:
    cfg = console.configure.load_config(Pair("sql", "SQL01", "SQL02"))
    # the lab caches the admin as every server's WMI account: name, FQDN and address
    assert console.wmi_account.clear_wmi_credentials(cfg) == 3
    with pytest.raises(InvalidInput):
        console.wmi_account.wmi_test(cfg)
    user, password = admin(lab)
    cfg = console.wmi_account.set_wmi_credentials(cfg, user, password)
    console.session.pair_servers(cfg)  # inventories read while the source answers
    lab.run("lab", "fail", "SQL01")
    try:
        with pytest.raises(Unreachable, match="SQL01"):
            console.wmi_account.wmi_test(cfg)
    finally:
        lab.run("lab", "heal", "SQL01")
