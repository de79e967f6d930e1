"""A share made on the target copies the source share's permissions (issue 10 item 7):
the inventory reads them, the plan and the engine's identity pass them, share_add sets
them, and the lab answers with what the script prints."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from core.apps.common import share_steps
from core.engine.identity import IdentityRecord, IdentitySpec, take
from core.hosts.inventory import server_from_inventory
from core.hosts.ops import script_body
from core.lab.estate import load_estate, windows_to_local
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.protection.facts import PlanFacts, ShareFact
from core.protection.script import Step
from core.protection.step_table import STEPS

GRANTS = ("LAB\\Sales:CHANGE", "BUILTIN\\Administrators:FULL", "Everyone:READ")
PATH = "E:\\Shares\\Sales"


def test_share_add_sets_the_grants_it_is_sent() -> None:
    body = script_body("share_add")
    assert "@($p.grants)" in body
    assert "Create($p.path, $p.name, 0, $null, $p.description, $null, $sd)" in body
    assert "@{FULL = 2032127; CHANGE = 1245631; READ = 1179817}" in body


def test_inventory_reads_each_share_s_grants() -> None:
    body = script_body("inventory")
    assert "Win32_LogicalShareSecuritySetting" in body and "grants = @(Grants $_.Name)" in body
    assert "@{2032127 = 'FULL'; 1245631 = 'CHANGE'; 1179817 = 'READ'}" in body


def test_the_lab_answers_share_add_with_grants_and_reports_them(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.71")
    s = estate.server("FS02")
    host = LabHost(estate, s, tmp_path, s.ip, HostState.load(estate, s, tmp_path))
    windows_to_local(tmp_path, "FS02", PATH).mkdir(parents=True)
    out = host.run("share_add", {"name": "Sales", "path": PATH, "description": "",
                                 "grants": list(GRANTS)})
    printed = set(re.findall(r"(\w+) = ", script_body("share_add").splitlines()[-1]))
    assert set(out) == printed and out["created"] is True
    inv = server_from_inventory(host.run("inventory", {}))
    [share] = [x for x in inv.shares if x.name == "Sales"]
    assert share.grants == GRANTS


def test_a_bad_grant_is_refused_by_the_lab(tmp_path: Path) -> None:
    import pytest

    from core.lab.ps_failure import PsFailure

    estate = load_estate(net="127.0.71")
    s = estate.server("FS02")
    host = LabHost(estate, s, tmp_path, s.ip, HostState.load(estate, s, tmp_path))
    windows_to_local(tmp_path, "FS02", PATH).mkdir(parents=True)
    with pytest.raises(PsFailure, match="grants"):
        host.run("share_add", {"name": "Sales", "path": PATH, "grants": ["LAB\\Sales:WRITE"]})


def _facts() -> PlanFacts:
    return PlanFacts("set", "fs01.lab", "fs02.lab", ("10.0.0.1",), "10.0.0.2",
                     shares=(ShareFact("Sales", PATH, "", GRANTS),))


def test_the_plan_passes_the_grants_to_the_target() -> None:
    facts = PlanFacts.from_dict(_facts().to_dict())  # as kept in the pair's record
    assert facts.shares[0].grants == GRANTS
    [publish], _ = share_steps(facts)
    verb, args, options = publish
    step = Step(verb, args, options)
    calls: list[tuple[Any, ...]] = []
    host = SimpleNamespace(remove_share=lambda n: None,
                           add_share=lambda *a: calls.append(a))
    env = SimpleNamespace(host=lambda side: host, cfg=SimpleNamespace(target="FS02"))
    STEPS["publish-share"](env, step)  # type: ignore[arg-type]
    assert calls == [("Sales", PATH, "", GRANTS)]


def test_the_engine_passes_the_grants_when_it_takes_the_identity() -> None:
    from core.protection.identity import identity_args

    ident = SimpleNamespace(ip_address=False, target_nic="", server_name=False, shares=True)
    cfg = SimpleNamespace(source="FS01", failover=SimpleNamespace(identity=ident),
                          monitoring=SimpleNamespace(manual_intervention=True))
    shares = identity_args(cfg, _facts())["shares"]  # type: ignore[arg-type]
    spec = IdentitySpec.from_dict({"shares": shares})  # as the engine keeps it
    sent: list[tuple[str, dict[str, Any]]] = []

    def run(op: str, params: dict[str, Any]) -> dict[str, Any]:
        sent.append((op, params))
        return {}

    runner = SimpleNamespace(run=run)
    take(IdentityRecord(spec), runner, 0.0)  # type: ignore[arg-type]
    assert sent == [("share_add", {"name": "Sales", "path": PATH, "description": "",
                                   "grants": list(GRANTS)})]
