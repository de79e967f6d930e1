"""The Exchange tools of SPEC F-11 headless on the lab (net 127.0.111), each a directory
change read back on a fresh connection to the lab directory: Delegate Rights makes an
account a member of Exchange Organization Administrators; Enable Protection takes
EXCH02's public store out of its public folder tree and Restore PF Tree puts it back in
EXCH01's; Verify Target Data checks EXCH01's stores on EXCH02 while the mirror runs."""

from __future__ import annotations

import json

from core.directory.entries import dns_to_dn
from core.lab.directory import lab_directory
from core.lab.directory_changes import changes_path, load_changes
from core.lab.estate import load_estate
from tests.lab.conftest import Lab, wait_until

NET = "127.0.111"
PAIR = ("EXCH01", "EXCH02", "--app", "exchange")
BASE = dns_to_dn("lab.example.com")
GROUP = f"CN=Exchange Organization Administrators,OU=Microsoft Exchange Security Groups,{BASE}"
DNSADMIN = f"CN=dnsadmin,CN=Users,{BASE}"


def _fresh(lab: Lab):  # type: ignore[no-untyped-def]
    """A new connection to the lab directory, as the next `appmgr` command gets."""
    return lab_directory(load_estate(net=NET), changes=changes_path(lab.home / "lab"))


def _members(lab: Lab) -> set[str]:
    d = _fresh(lab)
    try:
        return {m.lower() for m in d.all_values(GROUP, "member")}
    finally:
        d.close()


def _pf_trees(lab: Lab, server: str) -> list[str]:
    from core.directory.exchange_tools import PF_TREE

    d = _fresh(lab)
    try:
        return [d.read_attributes(s.dn, [PF_TREE])[PF_TREE]
                for s in d.exchange_home(server).stores if s.kind == "public"]
    finally:
        d.close()


def test_delegate_rights_is_kept_in_the_lab_directory(lab: Lab) -> None:
    assert DNSADMIN.lower() not in _members(lab)
    out = lab.run("--lab", "tools", "delegate-rights", "--account", "LAB\\dnsadmin").stdout
    assert "is now a member of Exchange Organization Administrators" in out
    members = _members(lab)
    assert DNSADMIN.lower() in members
    assert f"cn=administrator,cn=users,{BASE}".lower() in members  # the others stay
    assert any(a.lower() == DNSADMIN.lower()
               for a in load_changes(changes_path(lab.home / "lab"))[GROUP]["member"])
    again = lab.run("--lab", "tools", "delegate-rights", "--account", "dnsadmin").stdout
    assert "was already a member" in again
    nobody = lab.run("--lab", "tools", "delegate-rights", "--account", "LAB\\nosuch",
                     check=False)
    assert nobody.returncode == 2 and "no account nosuch" in nobody.stderr


def test_enable_clears_and_restore_pf_tree_restores_then_verify(lab: Lab) -> None:
    [tree] = _pf_trees(lab, "EXCH01")
    assert tree.startswith("CN=Public Folders,CN=Folder Hierarchies,")
    assert _pf_trees(lab, "EXCH02") == [tree]
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: lab.json("--lab", "status", *PAIR[:2], "--json")["state"]  # type: ignore[index]
               == "Protected", 30, "Protected")
    assert _pf_trees(lab, "EXCH02") == [""]  # out of the tree while protected (the guide)
    out = lab.run("--lab", "tools", "restore-pf-tree", "EXCH01").stdout
    assert "EXCH02: public store(s) Public Folder Database rejoined" in out
    assert _pf_trees(lab, "EXCH02") == [tree]
    again = lab.run("--lab", "tools", "restore-pf-tree", "EXCH01").stdout
    assert "already belonged to" in again

    proc = lab.run("--lab", "verify", *PAIR, "--json", check=False)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["usable"], report
    assert {i["name"] for i in report["items"]} == {
        "First Storage Group\\Mailbox Database", "Second Storage Group\\Public Folder Database"}
    assert all(i["kind"] == "store" and i["pages"] > 0 for i in report["items"])

    # a bad page in EXCH02's copy of the mailbox store: that store, and only it, fails
    edb = "E:\\Exchange\\Data\\First Storage Group\\Mailbox Database.edb"
    lab.run("lab", "corrupt-page", "EXCH02", edb, "--page", "2")
    proc = lab.run("--lab", "verify", *PAIR, "--json", check=False)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and not report["usable"]
    bad = [i for i in report["items"] if not i["usable"]]
    assert [i["name"] for i in bad] == ["First Storage Group\\Mailbox Database"]
    assert any("Mailbox Database.edb: page 2" in e for e in bad[0]["errors"])
