"""The whole lab killed with SIGKILL mid-mirror, changes made while it is down, `lab up`
(issue 9's fault suite).

Every process of the lab (supervisor, engines, WinRM and DNS servers) dies at once
while FS01 → FS02 mirrors. While nothing runs, FS01's share gets what a restart must
not lose: deletes, renames, a new file, and a same-size in-place change with its
mtime put back. After `lab up` the pair must end Protected with FS02's tree equal to
FS01's by checksum, no transfer's temp file left on FS02, and status must never say
Protected while the trees differ: every poll that says so is checked against the
trees there and then.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path
from typing import Any

from tests.lab.conftest import Lab, wait_until

NET = "127.0.115"
SMALL, BIG = 1500, 6  # files: 1,500 × 8 KiB and 6 × 48 MiB, so the mirror takes a while


def _manifest(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath, f)
            out[str(p.relative_to(root))] = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
    return out


def _status(lab: Lab) -> dict[str, Any]:
    doc = lab.json("--lab", "status", "FS01", "FS02", "--json")
    assert isinstance(doc, dict)
    return doc


def _seed(data: Path) -> None:
    for i in range(SMALL):
        sub = data / f"d{i % 30:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:05d}.txt").write_bytes(os.urandom(8192))
    for i in range(BIG):
        (data / f"big{i}.bin").write_bytes(os.urandom(48 << 20))


def _kill_lab(lab: Lab) -> None:
    runtime = json.loads((lab.home / "lab" / "runtime.json").read_text())
    os.killpg(runtime["pid"], signal.SIGKILL)  # `lab up --detach` made it a session leader

    def gone() -> bool:
        try:
            os.killpg(runtime["pid"], 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(gone, 10, "every process of the lab to die")


def test_lab_killed_mid_mirror_converges_and_never_claims_protected_early(lab: Lab) -> None:
    src = lab.volume("FS01", "E") / "Shares" / "Data"
    dst = lab.volume("FS02", "E") / "Shares" / "Data"
    _seed(src)
    said = lab.run("--lab", "protect", "FS01", "FS02", "--app", "fileprint",
                   "--set", "monitoring.interval=1", "--set", "monitoring.missed=3")
    assert said.stdout.strip().endswith("Mirroring"), said.stdout

    # killed as soon as protect returns: the checksum mirror has only just started
    _kill_lab(lab)
    assert _manifest(src) != _manifest(dst)  # killed with the mirror's work left

    # made while nothing runs: nothing can see these but a re-mirror after the restart
    for i in range(0, SMALL, 7):
        (src / f"d{i % 30:02d}" / f"f{i:05d}.txt").unlink()
    for i in (i for i in range(1, SMALL, 11) if i % 7):
        old = src / f"d{i % 30:02d}" / f"f{i:05d}.txt"
        old.rename(old.with_name(f"renamed-{i:05d}.txt"))
    (src / "new-while-down.txt").write_bytes(b"written while the lab was down\n")
    same = src / "d02" / "f00002.txt"
    st = same.stat()
    with same.open("r+b") as f:  # same size, mtime put back: only a checksum sees it
        f.seek(100)
        f.write(b"X" * 64)
    os.utime(same, ns=(st.st_atime_ns, st.st_mtime_ns))

    lab.run("lab", "up", "--detach", "--net", lab.net)
    want = _manifest(src)
    claims = 0

    def protected_and_equal() -> bool:
        nonlocal claims
        doc = _status(lab)
        if doc["state"] != "Protected":
            return False
        claims += 1
        got = _manifest(dst)
        missing = sorted(set(want) - set(got))[:3]
        extra = sorted(set(got) - set(want))[:3]
        differ = sorted(k for k in want.keys() & got.keys() if want[k] != got[k])[:3]
        assert got == want, (f"status said Protected while FS02 differs: missing {missing}, "
                             f"extra {extra}, different {differ}")
        return True

    wait_until(protected_and_equal, 240, "Protected with equal trees after `lab up`")
    assert claims == 1
    assert not [p for p in dst.rglob("*") if p.name.startswith(".~appmgr.")]
