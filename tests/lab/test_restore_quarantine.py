"""Restore never destroys data silently (issue 9 item 6, SPEC F-9.3), on real engines.

FS01 → FS02 protected; the target goes down so FS01's writes never reach it;
then the source fails, the pair fails over, FS01 comes back and is written
to after ``heal`` and before failback. The restore must report those files
(count on the command line, list in the failover log) and keep copies in
``E:\\.appmgr-restore-<time>\\`` on FS01; the source then equals the target
and the quarantine is neither mirrored to FS02 nor deleted. ``--discard``
really discards. Every assertion is on the files (checksums), not on what
appmgr reports. The two tests run in order on one lab (the second starts
from the protection the first re-established).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.lab.conftest import Lab, wait_until

NET = "127.0.84"
PAIR = ("FS01", "FS02", "--app", "fileprint")
Q = ".appmgr-restore-"



def _sums(root: Path, skip_quarantine: bool = True) -> dict[str, str]:
    """relative path → sha256 of every file under ``root`` (a checksum manifest)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        if skip_quarantine and Path(dirpath) == root:
            dirs[:] = [d for d in dirs if not d.startswith(Q)]
        for name in files:
            p = Path(dirpath) / name
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _quarantines(volume: Path) -> list[Path]:
    return sorted(p for p in volume.iterdir() if p.name.startswith(Q))


def _state(lab: Lab) -> str:
    return str(lab.json("--lab", "status", *PAIR[:2], "--json")["state"])


def _fail_over(lab: Lab) -> None:
    """FS01 fails for real; the monitor sees it; the pair fails over to FS02."""
    lab.run("lab", "fail", "FS01")
    wait_until(lambda: _state(lab) == "Failure detected", 15, "failure detection")
    lab.run("--lab", "failover", *PAIR)


def test_restore_keeps_unreplicated_source_writes_in_quarantine(lab: Lab) -> None:
    src_e, tgt_e = lab.volume("FS01", "E"), lab.volume("FS02", "E")
    src, tgt = src_e / "Shares" / "Data", tgt_e / "Shares" / "Data"
    lab.run("--lab", "protect", *PAIR, "--set", "monitoring.interval=1",
            "--set", "monitoring.missed=3")
    wait_until(lambda: _state(lab) == "Protected", 60, "Protected")
    (src / "base.txt").write_bytes(b"v1: replicated before the outage\n")
    wait_until(lambda: _sums(src_e) == _sums(tgt_e), 10, "the target equal to the source")

    # the target goes down: FS01's writes queue and never reach it
    lab.run("lab", "fail", "FS02")
    queued, changed = os.urandom(300_000), b"v2: written on FS01 while FS02 was down, longer\n"
    (src / "queued-new.bin").write_bytes(queued)
    (src / "base.txt").write_bytes(changed)
    # then the source fails too and the target comes back: the pair fails over
    lab.run("lab", "fail", "FS01")
    lab.run("lab", "heal", "FS02")
    wait_until(lambda: _state(lab) == "Failure detected", 20, "failure detection")
    lab.run("--lab", "failover", *PAIR)
    (tgt / "during-failover.txt").write_bytes(b"written on FS02 while it served\n")
    lab.run("lab", "heal", "FS01")
    late = b"written on FS01 after heal, before failback\n"
    (src / "after-heal.txt").write_bytes(late)
    assert (tgt / "base.txt").read_bytes() == b"v1: replicated before the outage\n"

    lab.run("--lab", "failback", *PAIR)
    proc = lab.run("--lab", "restore", *PAIR)
    # the count and bytes are said before the mirror runs (progress) and in the result
    assert "3 file(s) on FS01 (" in proc.stderr and "differ from FS02" in proc.stderr
    assert "3 file(s) (" in proc.stdout and f"kept in E:\\{Q}" in proc.stdout

    # the source equals the target again, FS02's change included
    assert _sums(src_e) == _sums(tgt_e)
    assert (src / "during-failover.txt").read_bytes() == b"written on FS02 while it served\n"
    assert not (src / "queued-new.bin").exists() and not (src / "after-heal.txt").exists()
    # … and FS01's own writes are kept, byte for byte, under their relative paths
    [folder] = _quarantines(src_e)
    assert _sums(folder, skip_quarantine=False) == {
        "Shares/Data/queued-new.bin": _sha(queued), "Shares/Data/base.txt": _sha(changed),
        "Shares/Data/after-heal.txt": _sha(late)}
    log = lab.run("--lab", "log", "failover", "FS01").stdout
    assert "3 file(s) on FS01" in log
    for name in ("queued-new.bin", "base.txt", "after-heal.txt"):
        assert f"E:\\Shares\\Data\\{name}" in log

    # protection is back; the quarantine is neither mirrored nor deleted as an orphan
    wait_until(lambda: _state(lab) == "Protected", 60, "Protected again")
    (src / "after-restore.txt").write_bytes(b"replicates again\n")
    wait_until(lambda: (tgt / "after-restore.txt").exists(), 10, "replication after the restore")
    wait_until(lambda: _sums(src_e) == _sums(tgt_e), 10, "the target equal to the source")
    assert _quarantines(tgt_e) == [] and _quarantines(src_e) == [folder]
    assert len(_sums(folder, skip_quarantine=False)) == 3


def test_restore_discard_really_discards(lab: Lab) -> None:
    src_e, tgt_e = lab.volume("FS01", "E"), lab.volume("FS02", "E")
    src = src_e / "Shares" / "Data"
    wait_until(lambda: _state(lab) == "Protected", 60, "Protected")
    before = {q: _sums(q, skip_quarantine=False) for q in _quarantines(src_e)}
    _fail_over(lab)
    lab.run("lab", "heal", "FS01")
    (src / "late.txt").write_bytes(b"written on FS01 after heal; the user discards it\n")
    lab.run("--lab", "failback", *PAIR)
    proc = lab.run("--lab", "restore", *PAIR, "--discard")
    assert "1 file(s) on FS01 (" in proc.stderr
    assert "1 file(s) (" in proc.stdout and "discarded as asked (--discard)" in proc.stdout
    assert not (src / "late.txt").exists()
    assert _sums(src_e) == _sums(tgt_e)
    # no copy was kept anywhere: the quarantine folders are what they were
    assert {q: _sums(q, skip_quarantine=False) for q in _quarantines(src_e)} == before
    assert "late.txt" in lab.run("--lab", "log", "failover", "FS01").stdout
