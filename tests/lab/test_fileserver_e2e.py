"""The walking skeleton's acceptance, headless, as a new user would run it (issue 2).

discover → validate → protect → write files → see them on the target → fail
the source → failure detected → failover → DNS answers the target → change
data on the target → heal → failback → restore → source equals target →
DNS back → Protected → lab down leaves no process.
"""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import dns.message
import dns.query
import dns.reversename

from tests.lab.conftest import Lab, wait_until


def _answers(lab: Lab, name: str, rdtype: str) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    q = dns.message.make_query(name, rdtype)
    r = dns.query.udp(q, rt["dns"]["ip"], port=rt["dns"]["port"], timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def _same_tree(a: Path, b: Path) -> bool:
    # a restore's quarantine folders (.appmgr-restore-*) are the source's own, never replicated
    kept = [p.name for p in (*a.iterdir(), *b.iterdir()) if p.name.startswith(".appmgr-restore-")]
    cmp = filecmp.dircmp(a, b, ignore=[*filecmp.DEFAULT_IGNORES, *kept])
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(
        _same_tree(a / d, b / d) for d in cmp.common_dirs)


def test_discover_lists_the_file_servers_with_ips(lab: Lab) -> None:
    rows = lab.json("--lab", "discover", "--app", "fileprint", "--json")
    by_name = {r["name"]: r for r in rows}
    assert {"FS01", "FS02", "FS03"} <= set(by_name)
    assert by_name["FS01"]["ip"] == f"{lab.net}.11"
    assert by_name["FS02"]["ip"] == f"{lab.net}.12"


def test_validate_clean_pair_and_drive_letter_fault(lab: Lab) -> None:
    ok = lab.run("--lab", "validate", "FS01", "FS02", "--app", "fileprint", "--json")
    assert '"ok": true' in ok.stdout
    bad = lab.run("--lab", "validate", "FS01", "FS03", "--app", "fileprint", "--json",
                  check=False)
    assert bad.returncode == 1
    import json

    doc = json.loads(bad.stdout)
    errors = [r for r in doc["results"] if r["status"] == "error"]
    assert [r["id"] for r in errors] == ["servers.drives"]
    assert "E:" in errors[0]["reason"] and "FS03" in errors[0]["reason"]


def test_protect_replicate_failover_failback_restore(lab: Lab) -> None:
    fs01, fs02 = f"{lab.net}.11", f"{lab.net}.12"
    lab.run("--lab", "protect", "FS01", "FS02", "--app", "fileprint",
            "--set", "monitoring.interval=1", "--set", "monitoring.missed=3")
    wait_until(lambda: lab.json("--lab", "status", "FS01", "FS02", "--json")["state"] == "Protected",
          30, "Protected")

    # a file written on the source appears byte-identical on the target within 5 s
    src_data = lab.volume("FS01", "E") / "Shares" / "Data"
    tgt_data = lab.volume("FS02", "E") / "Shares" / "Data"
    payload = os.urandom(200_000)
    (src_data / "report.bin").write_bytes(payload)
    wait_until(lambda: (tgt_data / "report.bin").exists()
          and (tgt_data / "report.bin").read_bytes() == payload, 5, "replication of report.bin")

    # a real outage: the monitor declares it within interval × missed + 2 s
    lab.run("lab", "fail", "FS01")
    wait_until(lambda: lab.json("--lab", "status", "FS01", "FS02", "--json")["state"]
          == "Failure detected", 3 * 1 + 2, "failure detection")

    lab.run("--lab", "failover", "FS01", "FS02", "--app", "fileprint")
    assert _answers(lab, "fs01.lab.example.com", "A") == {fs02}
    assert "fs01.lab.example.com." in _answers(
        lab, dns.reversename.from_address(fs02).to_text(), "PTR")
    assert _answers(lab, dns.reversename.from_address(fs01).to_text(), "PTR") == set()

    # users keep working on the target during the failover
    (tgt_data / "during-failover.txt").write_text("written on FS02 while FS01 was down\n")
    (tgt_data / "readme.txt").unlink()

    lab.run("lab", "heal", "FS01")
    lab.run("--lab", "failback", "FS01", "FS02", "--app", "fileprint")
    lab.run("--lab", "restore", "FS01", "FS02", "--app", "fileprint")

    assert (src_data / "during-failover.txt").read_text() == "written on FS02 while FS01 was down\n"
    assert not (src_data / "readme.txt").exists()
    # FS01 still held readme.txt, which FS02 deleted: the restore kept a copy of it
    [kept] = [p for p in lab.volume("FS01", "E").iterdir() if p.name.startswith(".appmgr-restore-")]
    assert (kept / "Shares" / "Data" / "readme.txt").is_file()
    assert _same_tree(lab.volume("FS01", "E"), lab.volume("FS02", "E"))
    assert _answers(lab, "fs01.lab.example.com", "A") == {fs01}
    wait_until(lambda: lab.json("--lab", "status", "FS01", "FS02", "--json")["state"] == "Protected",
          30, "Protected again")

    # protection really is back: a new file replicates again
    (src_data / "after.txt").write_text("after failback\n")
    wait_until(lambda: (tgt_data / "after.txt").exists(), 5, "replication after failback")
    logs = lab.run("--lab", "log", "dfo", "FS01").stdout
    assert "fs01.lab.example.com" in logs


def test_lab_down_leaves_no_process(tmp_path: Path) -> None:
    from tests.lab.conftest import start_lab

    lab = start_lab(tmp_path, "127.0.52")
    pid = lab.json("lab", "status", "--json")["pid"]
    children = _children(pid)
    assert children, "the lab runs its engines as child processes"
    lab.run("lab", "down")
    # an exited process may linger a moment as a zombie until init reaps it
    survivors = [p for p in [pid, *children] if _alive(p)]
    assert survivors == [], f"processes {survivors} survived lab down"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:  # a thread may end while we look
            out += [int(k) for k in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return out
