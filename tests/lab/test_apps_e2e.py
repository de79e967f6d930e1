"""Issue 4's headless acceptance for every application, on one lab (net 127.0.54):
discover lists the application's servers (cluster nodes hidden), `config show`
prints its defaults, and `protect` reaches Protected with the application's
replication set — checked on the source's engine itself."""

from __future__ import annotations

import json
import time

import pytest

from core.engine.client import EngineClient
from core.lab.certs import console_identity
from core.lab.estate import load_estate
from tests.lab.conftest import Lab

NET = "127.0.54"
PAIRS = [  # app, source, target, set prefix
    ("exchange", "EXCH01", "EXCH02", "xdag01"),
    ("sql", "SQL01", "SQL02", "sqldag01"),
    ("sharepoint", "SQL05A", "SQL05B", "spdag01"),
    ("blackberry", "BES01", "BES02", "bbdag01"),
]



@pytest.mark.parametrize(("app", "members", "absent"), [
    ("exchange", {"EXCH01", "EXCH02", "EXCH03"}, {"EXNODE1", "EXNODE2", "FS01"}),
    ("sql", {"SQL01", "SQL02", "SQL03", "SQL04"}, {"SQLNODE1", "SQLNODE2", "FS01"}),
])
def test_discover_lists_the_applications_servers(lab: Lab, app: str, members: set[str],
                                                 absent: set[str]) -> None:
    names = {r["name"] for r in lab.json("--lab", "discover", "--app", app, "--json")}
    assert members <= names
    assert not names & absent  # cluster nodes are hidden, other applications' servers too


@pytest.mark.parametrize(("app", "source", "target", "prefix"), PAIRS)
def test_config_show_then_protect_reaches_protected(lab: Lab, app: str, source: str,
                                                   target: str, prefix: str) -> None:
    shown = lab.json("--lab", "config", "show", source, target, "--app", app, "--json")
    cfg = shown.get("config", shown)
    assert cfg["app"] == app
    assert cfg["monitoring"]["interval"] == 5 and cfg["monitoring"]["missed"] == 5
    assert cfg["connection"]["mirror_type"] == "checksum"
    set_name = f"{prefix}_{source}_{target}"
    assert cfg["advanced"]["set_name"] == set_name

    lab.run("--lab", "protect", source, target, "--app", app)
    deadline = time.monotonic() + 30
    state = ""
    while time.monotonic() < deadline:
        state = lab.json("--lab", "status", source, target, "--app", app, "--json")["state"]
        if state == "Protected":
            break
        time.sleep(0.2)
    assert state == "Protected"

    estate = load_estate(net=NET)
    engine = EngineClient(estate.server(source).ip, 6320,
                          console_identity(lab.home / "lab"))
    try:
        info = engine.info()
    finally:
        engine.close()
    assert set_name in info["sets"]
    assert json.dumps(info["connections"]).count(set_name) >= 1
