"""Static checks of the Windows snapshot script (VSS through Win32_ShadowCopy).

The script is NOT called by this release (the engine's own copy-on-write snapshots
serve Linux and the lab); these checks keep it well-formed until a Windows target's
engine calls it: it reads only its three parameters, keeps to PowerShell 3, refuses
what it does not know, and prints one JSON document with the keys a caller reads."""

from __future__ import annotations

import re

from core.hosts.ops import PREAMBLE, render_script, script_body

BODY = script_body("snapshot_vss")


def test_reads_only_action_volume_and_id() -> None:
    assert set(re.findall(r"\$p\.([A-Za-z_]\w*)", BODY)) == {"action", "volume", "id"}


def test_uses_vss_through_wmi_for_each_action() -> None:
    assert "Win32_ShadowCopy').Create($vol, 'ClientAccessible')" in BODY
    assert "$s.Delete()" in BODY
    for action in ("create", "list", "delete"):
        assert f"$p.action -eq '{action}'" in BODY
    assert 'throw "action must be create, list or delete"' in BODY
    # a delete names one shadow copy by its GUID: nothing else reaches the WMI filter
    assert "^\\{[0-9A-Fa-f-]{36}\\}$" in BODY


def test_prints_one_json_document_with_the_snapshot_keys() -> None:
    last = BODY.strip().splitlines()[-1]
    assert last.startswith("ConvertTo-Json") and last.endswith("-Compress")
    keys = set(re.findall(r"(\w+)\s*=\s*[$\[]", BODY[BODY.index("$r = @(foreach"):]))
    assert keys == {"id", "volume", "device", "taken", "snapshots", "action"}


def test_powershell_3_and_quiet() -> None:
    script = render_script("snapshot_vss", {"action": "list", "volume": "E:"})
    assert PREAMBLE in script
    assert not re.search(r"\?\.|\?\?|^class\s|::new\(", BODY, re.MULTILINE)
