"""Application monitoring's WMI account through the console (SPEC F-6.2, F-12): cached
under the source, tested by a WMI login to the source, cleared — never in the config,
the log or an error; refused for clusters."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from core.console import Console
from core.errors import AuthFailed, InvalidInput, Refused, Unreachable
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.ports import Credential
from tests.core.apps.app_estate import make_world
from tests.core.doubles import ADMIN, FakeHost, FakeWorld

SECRET = "Wmi-S3cret!"
MONITOR = "LAB\\monitor"


def wmi_services(host: FakeHost) -> Any:
    """The wmi_check operation as a Windows server answers it (Win32_Service)."""
    return lambda _params: {"namespace": "root\\cimv2", "services": [
        {"name": s.name, "state": s.state.capitalize()} for s in host.server.services]}


@pytest.fixture
def world(tmp_path: Path) -> FakeWorld:
    world = make_world(tmp_path)
    accounts = {ADMIN: "pw", MONITOR: SECRET}
    world.logins = []  # type: ignore[attr-defined]

    def host_as(name: str, cred: Credential) -> FakeHost:
        host = world.ctx.host(name)
        if accounts.get(cred.user) != cred.password:
            raise AuthFailed(f"{name.upper()} rejected the user {cred.user}")
        world.logins.append((name.upper(), cred.user))  # type: ignore[attr-defined]
        return host  # type: ignore[return-value]

    world.ctx.host_as = host_as
    for host in world.hosts.values():
        host.ops["wmi_check"] = wmi_services(host)
    return world


@pytest.fixture
def console(world: FakeWorld) -> Console:
    return Console(world.ctx, advanced=True)


def sql_cfg(console: Console) -> ProtectionConfig:
    return console.configure.load_config(Pair("sql", "SQL01", "SQL02"))


# --- set -----------------------------------------------------------------------------------
def test_set_caches_the_password_under_the_source_and_names_the_user(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), "monitor@lab.example.com", SECRET)
    assert cfg.monitoring.application.wmi_user == "monitor@lab.example.com"
    assert world.secrets.get("wmi", "SQL01") == Credential("monitor@lab.example.com", SECRET)
    assert SECRET not in json.dumps(cfg.to_dict())
    logs = "".join(p.read_text() for p in Path(world.ctx.paths.logs).rglob("*") if p.is_file())
    assert "wmi credentials" in logs and SECRET not in logs


@pytest.mark.parametrize(("user", "password", "field", "words"), [
    (MONITOR, "", "monitoring.application.wmi_password", "enter the WMI user's password"),
    ("", SECRET, "monitoring.application.wmi_user", "enter a user name"),
    ("LAB\\\\monitor", SECRET, "monitoring.application.wmi_user", "single backslash"),
])
def test_set_refuses_bad_input_and_caches_nothing(console, world, user, password, field,
                                                  words) -> None:
    with pytest.raises(InvalidInput) as info:
        console.wmi_account.set_wmi_credentials(sql_cfg(console), user, password)
    assert info.value.field == field and words in info.value.message
    assert world.secrets.get("wmi", "SQL01") is None


def test_set_is_advanced_only(world) -> None:
    plain = Console(world.ctx)  # SQL shows application monitoring with --advanced only
    with pytest.raises(InvalidInput) as info:
        plain.wmi_account.set_wmi_credentials(sql_cfg(plain), MONITOR, SECRET)
    assert info.value.field == "monitoring.application.wmi_user"
    assert world.secrets.get("wmi", "SQL01") is None


# --- test ----------------------------------------------------------------------------------
def test_test_logs_in_to_the_source_as_the_wmi_account(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    lines = console.wmi_account.wmi_test(cfg)
    names = [s.name for s in cfg.failover.services]
    assert names and world.logins == [("SQL01", MONITOR)]
    assert lines == [f"SQL01: WMI login as {MONITOR} works; {len(names)} services answered ("
                     + ", ".join(f"{n} Running" for n in names) + ")"]


def test_a_service_wmi_does_not_list_is_said(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    cfg = console.tabs.add_service(cfg, "MyAppService")  # typed by name, not on the server
    lines = console.wmi_account.wmi_test(cfg)
    assert "MSSQLSERVER Running" in lines[0]
    assert lines[1] == ("SQL01: WMI does not list MyAppService: the built-in checks would "
                        "report an error for it")
    world.hosts["SQL01"].ops["wmi_check"] = lambda _p: {"services": [
        {"name": "MSSQLSERVER", "state": "Stopped"}]}
    assert "; 1 service answered (MSSQLSERVER Stopped)" in console.wmi_account.wmi_test(cfg)[0]


def test_wrong_password_is_auth_failed_and_the_cached_one_is_dropped(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, "not-it")
    with pytest.raises(AuthFailed) as info:
        console.wmi_account.wmi_test(cfg)
    text = str(info.value)
    assert "SQL01 refused the WMI login as LAB\\monitor" in text and "type it again" in text
    assert "not-it" not in text
    assert world.secrets.get("wmi", "SQL01") is None
    with pytest.raises(InvalidInput) as again:  # now the password is asked for
        console.wmi_account.wmi_test(cfg)
    assert again.value.field == "monitoring.application.wmi_password"


def test_nothing_cached_asks_for_the_user_then_the_password(console) -> None:
    cfg = sql_cfg(console)
    with pytest.raises(InvalidInput) as no_user:
        console.wmi_account.wmi_test(cfg)
    assert no_user.value.field == "monitoring.application.wmi_user"
    cfg = console.configure.apply(cfg, [f"monitoring.application.wmi_user={MONITOR}"])
    with pytest.raises(InvalidInput) as no_password:
        console.wmi_account.wmi_test(cfg)
    assert no_password.value.field == "monitoring.application.wmi_password"
    assert "no WMI password is cached for SQL01" in no_password.value.message


def test_a_password_cached_for_another_user_is_not_used(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    cfg = console.configure.apply(cfg, ["monitoring.application.wmi_user=LAB\\other"])
    with pytest.raises(InvalidInput) as info:
        console.wmi_account.wmi_test(cfg)
    assert info.value.field == "monitoring.application.wmi_password"
    assert "LAB\\monitor's, not LAB\\other's" in info.value.message
    assert world.logins == []


def test_the_user_is_compared_without_case(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    cfg = console.configure.apply(cfg, ["monitoring.application.wmi_user=lab\\MONITOR"])
    assert console.wmi_account.wmi_test(cfg)[0].startswith("SQL01: WMI login as LAB\\monitor works")


def test_unreachable_source_is_unreachable(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    console.session.pair_servers(cfg)  # inventories read while it answered
    world.hosts["SQL01"].error = Unreachable("SQL01 (127.0.10.31) did not answer on WinRM "
                                             "port 5985 within 1 s")
    with pytest.raises(Unreachable, match="did not answer"):
        console.wmi_account.wmi_test(cfg)


def test_no_wmi_access_is_refused_with_advice(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)

    def denied(_params: dict[str, Any]) -> Any:
        raise Refused("SQL01 could not answer a WMI query of its services: Access denied")

    world.hosts["SQL01"].ops["wmi_check"] = denied
    with pytest.raises(Refused, match="full WMI access to root.cimv2"):
        console.wmi_account.wmi_test(cfg)


def test_custom_script_must_be_on_the_target(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    cfg = console.configure.apply(cfg, ["monitoring.application.method=script"])
    with pytest.raises(InvalidInput) as empty:
        console.wmi_account.wmi_test(cfg)
    assert empty.value.field == "monitoring.application.script_path"
    cfg = console.configure.apply(cfg, ["monitoring.application.script_path=C:\\Scripts\\check.ps1"])
    present = {"C:\\Scripts\\check.ps1"}
    world.hosts["SQL02"].ops["path_exists"] = lambda p: {"results": [
        {"path": x, "exists": x in present} for x in p["paths"]]}
    lines = console.wmi_account.wmi_test(cfg)
    assert lines[-1] == ("SQL02: the custom script C:\\Scripts\\check.ps1 is there "
                         "(the target's monitor runs it)")
    present.clear()
    with pytest.raises(InvalidInput) as missing:
        console.wmi_account.wmi_test(cfg)
    assert missing.value.field == "monitoring.application.script_path"
    assert "does not exist on SQL02" in missing.value.message


# --- clusters ------------------------------------------------------------------------------
def test_clusters_are_refused(console, world) -> None:
    cfg = console.configure.load_config(Pair("exchange", "EVS1", "EXCH02"))
    for call in (lambda: console.wmi_account.set_wmi_credentials(cfg, MONITOR, SECRET),
                 lambda: console.wmi_account.wmi_test(cfg)):
        with pytest.raises(InvalidInput) as info:
            call()
        assert info.value.field == "monitoring.application.enabled"
        assert "not available for clusters" in info.value.message
    # even when the configuration does not say so, the inventories do
    plain = dataclasses.replace(cfg, failover=dataclasses.replace(cfg.failover, resources=False))
    world.secrets.put("wmi", "EVS1", Credential(MONITOR, SECRET))
    with pytest.raises(InvalidInput, match="not available for clusters"):
        console.wmi_account.wmi_test(plain)
    assert world.logins == []


# --- clear ---------------------------------------------------------------------------------
def test_clear_forgets_the_sources_wmi_account_only(console, world) -> None:
    cfg = console.wmi_account.set_wmi_credentials(sql_cfg(console), MONITOR, SECRET)
    src = console.session.inventory("SQL01")
    for key in (src.fqdn, src.ips[0]):  # as the lab caches it: name, FQDN and address
        world.secrets.put("wmi", key, Credential(MONITOR, SECRET))
    world.secrets.put("wmi", "SQL02", Credential(MONITOR, SECRET))
    assert console.wmi_account.clear_wmi_credentials(cfg) == 3
    assert world.secrets.get("wmi", "SQL01") is None
    assert world.secrets.get("wmi", src.fqdn) is None
    assert world.secrets.get("wmi", "SQL02") is not None
    assert world.secrets.get("server", "SQL01") is not None  # the login stays
    assert console.wmi_account.clear_wmi_credentials(cfg) == 0
    with pytest.raises(InvalidInput) as info:
        console.wmi_account.wmi_test(cfg)
    assert info.value.field == "monitoring.application.wmi_password"
