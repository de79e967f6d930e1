"""Issue 13 headless, on the lab's real engines and files: ``appmgr monitoring on|off``,
``appmgr snapshot take|list|delete`` and ``appmgr failover --snapshot ID``.

Acceptance: take a snapshot; change and delete files on the source; fail over to
the snapshot → the target's data equals the snapshot's (checksum manifests), not
the latest.
"""

from __future__ import annotations

from pathlib import Path

from tests.lab.conftest import Lab, checksums, wait_until

NET = "127.0.86"
PAIR = ("FS01", "FS02", "--app", "fileprint")


def manifest(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file below ``root`` ("dir" for directories)."""
    return checksums(root, dirs=True)


def _status(lab: Lab) -> dict:
    return lab.json("--lab", "status", "FS01", "FS02", "--json")


def test_monitoring_toggle_snapshots_and_failover_to_a_snapshot(lab: Lab) -> None:
    src = lab.volume("FS01", "E") / "Shares" / "Data"
    tgt = lab.volume("FS02", "E") / "Shares" / "Data"
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3", "--set", "snapshots.enabled=on",
            "--set", "snapshots.interval_min=15")
    wait_until(lambda: _status(lab)["state"] == "Protected", 30, "Protected")

    # F-8.2 headless: the failover monitor only
    out = lab.run("--lab", "monitoring", "off", *PAIR).stdout
    assert "failover monitoring disabled" in out
    st = _status(lab)
    assert st["monitoring"] is False and st["monitor"] is None
    lab.run("--lab", "monitoring", "on", *PAIR)
    st = _status(lab)
    assert st["monitoring"] is True and st["monitor"]["state"] == "monitoring"

    for i in range(20):
        (src / f"doc{i}.txt").write_text(f"version 1 of document {i}\n")
    wait_until(lambda: manifest(src) == manifest(tgt), 10, "the documents on the target")
    at_snapshot = manifest(tgt)
    wait_until(lambda: lab.json("--lab", "snapshot", "list", *PAIR, "--json"), 10,
          "the first scheduled snapshot")
    snap = lab.json("--lab", "snapshot", "take", *PAIR, "--json")
    # the set holds every share of FS01 on E:, Data among them
    assert snap["files"] >= sum(1 for v in at_snapshot.values() if v != "dir")
    listed = lab.json("--lab", "snapshot", "list", *PAIR, "--json")
    # the schedule's first slot is Enable's time: taken by FS02's engine by itself
    assert [s["reason"] for s in listed] == ["schedule", "on demand"]
    assert listed[-1]["id"] == snap["id"]
    assert _status(lab)["monitor"]["last_snapshot"] == snap["taken"]
    table = lab.run("--lab", "snapshot", "list", *PAIR).stdout
    assert snap["id"] in table and "on demand" in table

    # a second snapshot, deleted again
    other = lab.json("--lab", "snapshot", "take", *PAIR, "--json")
    lab.run("--lab", "snapshot", "delete", "FS01", "FS02", other["id"], "--app", "fileprint")
    assert [s["id"] for s in lab.json("--lab", "snapshot", "list", *PAIR, "--json")] \
        == [listed[0]["id"], snap["id"]]

    # the latest data differs from the snapshot
    (src / "doc0.txt").write_text("version 2, changed after the snapshot\n")
    (src / "doc1.txt").unlink()
    (src / "new-after-snapshot.txt").write_text("not in the snapshot\n")
    wait_until(lambda: manifest(src) == manifest(tgt), 10, "the changes on the target")
    assert manifest(tgt) != at_snapshot

    lab.run("lab", "fail", "FS01")
    lab.run("--lab", "failover", *PAIR, "--snapshot", snap["id"])
    assert manifest(tgt) == at_snapshot
    assert _status(lab)["state"] == "Failed over"
    log = lab.run("--lab", "log", "failover", "FS01").stdout
    assert f"FS02 rolled back to snapshot {snap['id']}: 2 file(s) restored, 1 removed" in log
    # the snapshot is intact after the failover: the target writes its own copies
    (tgt / "doc0.txt").write_text("written on FS02 after the failover\n")
    snap_root = (lab.home / "lab").glob(f"**/snapshots/*/{snap['id']}/tree/E/Shares/Data")
    assert manifest(next(snap_root)) == at_snapshot


def test_unknown_snapshot_is_refused_readably(lab: Lab) -> None:
    bad = lab.run("--lab", "snapshot", "delete", "FS01", "FS02", "19990101T000000Z",
                  "--app", "fileprint", check=False)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "19990101T000000Z" in bad.stderr


def test_status_watch_without_a_pair_is_one_table_per_refresh(lab: Lab) -> None:
    proc = lab.run("--lab", "status", "--watch", "--count", "2", check=False)
    assert proc.returncode in (0, 1, 3), proc.stderr
    tables = [t for t in proc.stdout.split("\n\n") if t.strip()]
    assert len(tables) == 2  # not a terminal: each refresh after the last
    head, *rows = tables[-1].splitlines()
    assert head.split()[:3] == ["PAIR", "STATE", "MIRROR"]  # the Dashboard's columns
    [row] = [r for r in rows if r.split()[0] == "FS01→FS02" and r.split()[-1] == "fileprint"]
    assert "Failed over" in row
