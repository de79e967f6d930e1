"""The operation scripts: format, size limit, parameter literal round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.hosts.ops import (
    MAX_SCRIPT_CHARS,
    OPS,
    decode_command,
    encode_command,
    params_literal,
    parse_script,
    render_script,
    script_body,
    utf16_units,
)

# The longest values each parameter can take (Windows limits: service names 256,
# share names 80, share remarks 256, paths 260) with quotes that must be doubled.
LONG_PATH = "E:\\" + "\\".join(["O'Brien data"] * 20)[:257]
MAXIMAL = {
    "inventory": {},
    "engine_status": {},
    "service_set": {"name": "s'" * 128, "running": True, "timeout": 300},
    # the source share's permissions: six accounts of 20-character names
    "share_add": {"name": "n'" * 40, "path": LONG_PATH, "description": "it's" * 64,
                  "grants": ["LAB\\" + "O'Brien group " * 2 + ":CHANGE"] * 6},
    "share_remove": {"name": "n'" * 40},
    "path_exists": {"paths": [LONG_PATH] * 6},
    # a NetBIOS name has at most 15 characters; a DNS host label 63
    "cluster_info": {},
    "exchange_inventory": {"server": "x'" * 32},
    "sql_inventory": {"server": "x'" * 32},
    "sharepoint_inventory": {},
    "bes_inventory": {},
    # the health check's fixes: SQL identifiers 128, UPNs 256, DNS names 253
    "firewall_port": {"port": 65535, "open": True},
    "sql_detach": {"server": "x'" * 32, "instance": "i'" * 8, "database": "d'" * 64,
                   "if_present": True},
    # database-only failover: four files of 125-character paths (.mdf, .ndf, .ldf, …)
    "sql_attach": {"server": "x'" * 32, "instance": "i'" * 8, "database": "d'" * 64,
                   "files": ["E:\\" + "f" * 118 + ".mdf"] * 4},
    "sql_verify": {"server": "x'" * 32, "instance": "i'" * 8, "database": "d'" * 64,
                   "files": ["E:\\" + "f" * 118 + ".mdf"] * 4,
                   "snapshot": "C:\\ProgramData\\appmgr\\engine\\snapshots\\" + "s" * 60},
    "exchange_verify": {"store": "s'" * 64, "files": ["E:\\" + "f" * 118 + ".edb"] * 2,
                        "logs": "E:\\" + "l" * 118, "prefix": "E00",
                        "snapshot": "C:\\ProgramData\\appmgr\\engine\\snapshots\\" + "s" * 60},
    "admin_group_add": {"user": "u'" * 128},
    "sql_protocols": {"instance": "i'" * 8, "enable": ["tcp", "np", "sm"],
                      "disable": ["tcp", "np", "sm"], "restart": True},
    "service_account": {"name": "s'" * 128, "account": "LocalSystem"},
    "dns_zone_add": {"zone": "z" * 253, "secure": True},
    # like-named clusters: a NetBIOS name + suffix, a cluster group name, a script path
    "cluster_resource": {"action": "create", "name": "n'" * 16 + " IP Address",
                         "group": "g'" * 40, "type": "Generic Script",
                         "private": {"ScriptFilepath": "C:\\" + "p'" * 40},
                         "depends": ["d'" * 16], "online": True, "wait": 300},
    "wmi_check": {},
    "app_services": {"computer": "X" * 15, "names": [f"MSSQL${'I' * 16}", "SQLAgent$" + "I" * 16,
                                                     "MSExchangeIS", "MSExchangeSA", "W3SVC"]},
    "name_add": {"name": "n" * 63},
    "name_remove": {"name": "n" * 63},
    # like-named clusters: a group name; a Generic Script file (a path, the .vbs text)
    "cluster_export": {"group": "g'" * 40},
    "file_write": {"path": "C:\\Program Files\\appmgr\\cluster\\" + "n" * 18 + "\\x.vbs",
                   "text": "' it's\n" * 150},
    # identity failover: an IPv4 address, its prefix, an adapter name (256 at most)
    "ip_add": {"ip": "255.255.255.255", "prefix": 32, "nic": "a'" * 128},
    "ip_remove": {"ip": "255.255.255.255"},
    "snapshot_vss": {"action": "delete", "volume": "E:", "id": "{" + "0" * 36 + "}"},
}


def test_every_op_has_maximal_params_in_this_test() -> None:
    assert set(MAXIMAL) == set(OPS)


@pytest.mark.parametrize("op", sorted(OPS))
def test_script_with_maximal_params_fits_the_command_line(op: str) -> None:
    script = render_script(op, MAXIMAL[op])
    assert utf16_units(script) < MAX_SCRIPT_CHARS
    # cmd.exe's limit is 8,191 characters for the whole command line
    assert len("powershell -NoProfile -NonInteractive -EncodedCommand "
               + encode_command(script)) < 8191


@pytest.mark.parametrize("op", sorted(OPS))
def test_script_shape(op: str) -> None:
    lines = render_script(op, {}).splitlines()
    assert lines[0] == f"# appmgr-op: {op}"
    assert lines[1] == "$ProgressPreference='SilentlyContinue'"
    assert lines[2] == "$ErrorActionPreference='Stop'"
    assert lines[3].startswith("$p = ConvertFrom-Json '")
    assert "ConvertTo-Json" in lines[-1] and "-Compress" in lines[-1]
    body = script_body(op)
    assert not any(ln.startswith((" ", "#")) for ln in body.splitlines())


def test_inventory_reads_everything_the_console_needs() -> None:
    body = script_body("inventory")
    for needle in ("Win32_Volume", "Win32_Service", "Win32_Share", "DNSServerSearchOrder",
                   "AppMgrEngine", "HKLM:\\SOFTWARE\\appmgr\\Engine", "appmgr Admins"):
        assert needle in body


def test_too_long_script_is_refused_with_a_sentence() -> None:
    with pytest.raises(InvalidInput, match=f"limit is {MAX_SCRIPT_CHARS}"):
        render_script("path_exists", {"paths": [LONG_PATH] * 60})


def test_unknown_op_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no host operation named 'frobnicate'"):
        render_script("frobnicate", {})


def test_custom_body_renders_any_op_name() -> None:
    assert parse_script(render_script("frobnicate", {"x": 1}, body="'hi'\n")) == (
        "frobnicate", {"x": 1})


def test_single_quotes_are_doubled_and_non_ascii_escaped() -> None:
    lit = params_literal({"d": "it's ‘quoted’ é"})
    assert lit.startswith("'") and lit.endswith("'")
    inner = lit[1:-1]
    assert "''" in inner and "'" not in inner.replace("''", "")
    assert inner.isascii()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=5))
def test_params_survive_the_round_trip(params: dict) -> None:
    try:
        script = render_script("path_exists", params)
    except InvalidInput:
        return
    assert parse_script(decode_command(encode_command(script))) == ("path_exists", params)


@given(st.text(max_size=300))
def test_parse_script_never_raises(text: str) -> None:
    op, params = parse_script(text)
    assert op is None or isinstance(op, str)
    assert params is None or isinstance(params, dict)


def test_parse_script_without_header_or_params() -> None:
    assert parse_script("Get-Process\n") == (None, None)
    assert parse_script("# appmgr-op: inventory\n$p = ConvertFrom-Json '[1]'\n") == (
        "inventory", None)


def test_decode_command_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        decode_command("not base64!")


def test_a_server_asked_for_by_address_is_named_once_in_messages() -> None:
    from core.hosts.winrm_host import WinrmHost
    from core.ports import Credential

    cred = Credential("LAB\\admin", "pw")
    assert WinrmHost("10.0.0.5", cred, name="10.0.0.5").label == "10.0.0.5"
    assert WinrmHost("10.0.0.5", cred, name="FS05").label == "FS05 (10.0.0.5)"


@pytest.mark.parametrize("op", ["ip_add", "ip_remove", "name_add", "name_remove", "share_add",
                                "share_remove", "cluster_export", "file_write"])
def test_identity_scripts_read_only_what_the_console_and_engine_send(op: str) -> None:
    """Static check: every ``$p.<name>`` an identity failover script reads is a parameter
    the sender passes (core.engine.identity builds the same dicts as MAXIMAL here)."""
    import re

    read = set(re.findall(r"\$p\.([A-Za-z_]+)", script_body(op)))
    assert read and read <= set(MAXIMAL[op]), (op, read - set(MAXIMAL[op]))


def test_app_services_script_reads_what_the_engine_sends_and_prints_what_it_reads() -> None:
    """Static check of application monitoring's built-in check (F-6.2): the script reads
    exactly the parameters core.engine.app_probe sends, queries the named computer's
    Win32_Service, and prints the keys core.engine.app_check reads."""
    import re

    body = script_body("app_services")
    assert set(re.findall(r"\$p\.([A-Za-z_]+)", body)) == {"computer", "names"}
    assert "-ComputerName $p.computer" in body and "Win32_Service" in body
    assert "services = $s" in body and "name = $_.Name" in body and "state = " in body
