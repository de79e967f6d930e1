"""The restore's manifest and quarantine copies on real files (core.engine.quarantine)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.engine.quarantine import keep, manifest
from core.engine.rules import RuleMatcher
from core.engine.scan import scan
from core.engine.volumes import VolumeError, VolumeMap
from core.model.rules import Rule

RULES = [Rule("E:\\Data")]


def _tree(root: Path) -> VolumeMap:
    (root / "Data" / "sub").mkdir(parents=True)
    (root / "Data" / "a.txt").write_bytes(b"alpha")
    (root / "Data" / "sub" / "b.bin").write_bytes(b"\0" * 70_000)
    return VolumeMap({"E": root})


def test_quarantine_folders_are_outside_every_set(tmp_path: Path) -> None:
    vols = _tree(tmp_path)
    q = tmp_path / "Data" / ".appmgr-restore-20260101-000000" / "x.txt"
    q.parent.mkdir()
    q.write_text("kept")
    m = RuleMatcher([Rule("E:\\")])
    assert not m.includes("E:\\.appmgr-restore-1\\Data\\a.txt")
    assert not m.wants_dir("E:\\Data\\.APPMGR-RESTORE-1")
    assert m.includes("E:\\Data\\appmgr-restore-1")  # only the prefix with its dot
    assert all(".appmgr-restore-" not in e.win for e in scan(RuleMatcher(RULES), vols))


def test_manifest_digests_content_not_mtime(tmp_path: Path) -> None:
    vols = _tree(tmp_path)
    rows = {r[0]: r for r in manifest(RULES, vols, image=False)}
    assert rows["E:\\Data\\sub"][1] is True
    a = rows["E:\\Data\\a.txt"]
    assert a[2] == 5 and len(a[3]) == 40
    st = os.stat(tmp_path / "Data" / "a.txt")
    (tmp_path / "Data" / "a.txt").write_bytes(b"alphA")  # same size, mtime put back
    os.utime(tmp_path / "Data" / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert {r[0]: r for r in manifest(RULES, vols, image=False)}["E:\\Data\\a.txt"][3] != a[3]
    # a mapped rule names the files where they land
    mapped = manifest([Rule("E:\\Data", target="F:\\Copy")], vols, image=False)
    assert "F:\\Copy\\a.txt" in {r[0] for r in mapped}


def test_keep_copies_with_relative_paths_and_refuses_odd_folders(tmp_path: Path) -> None:
    vols = _tree(tmp_path)
    folder = ".appmgr-restore-20261207-061500"
    got = keep(["E:\\Data\\sub\\b.bin", "E:\\Data\\gone.txt"], folder, vols)
    assert got == {"copied": 1, "bytes": 70_000, "missing": 1,
                   "folders": ["E:\\.appmgr-restore-20261207-061500"]}
    copy = tmp_path / folder / "Data" / "sub" / "b.bin"
    assert copy.read_bytes() == b"\0" * 70_000
    assert os.stat(copy).st_mtime_ns == os.stat(tmp_path / "Data" / "sub" / "b.bin").st_mtime_ns
    for bad in ("..", "Data", ".appmgr-restore-x\\..\\..", ""):
        with pytest.raises(VolumeError):
            keep(["E:\\Data\\a.txt"], bad, vols)
