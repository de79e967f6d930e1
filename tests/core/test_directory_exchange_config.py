"""The console reads the Exchange server's configuration over LDAP (issue 10 item 7: ADSI
inside a WinRM session has no credentials to reach a DC), the same values the lab's host
answered in one piece before: the directory half of ``exchange_inventory``."""

from __future__ import annotations

from core.lab.app_json import exchange_json
from core.lab.directory import lab_directory
from core.lab.estate import Estate, load_estate

DIRECTORY_KEYS = {"name", "dn", "serial", "roles", "storage_groups", "bindings", "queue_path"}


def _estate() -> Estate:
    return load_estate(net="127.0.72")


def test_every_exchange_server_reads_as_the_lab_describes_it() -> None:
    estate = _estate()
    d = lab_directory(estate)
    servers = [s for s in estate.servers if s.apps.exchange is not None]
    assert {s.apps.exchange.version for s in servers if s.apps.exchange} >= {"2003", "2007"}
    for s in servers:
        want = {k: v for k, v in exchange_json(estate, s, True)["exchange"].items()
                if k in DIRECTORY_KEYS}
        # by name, whatever order the DC returns them in
        want["storage_groups"] = sorted(
            ({**g, "stores": sorted(g["stores"], key=lambda x: x["name"].lower())}
             for g in want["storage_groups"]), key=lambda g: g["name"].lower())
        got = d.exchange_config(s.name)
        assert got is not None and got["storage_groups"], s.name
        assert got == want, s.name


def test_a_server_without_an_exchange_object_is_none() -> None:
    assert lab_directory(_estate()).exchange_config("FS01") is None
