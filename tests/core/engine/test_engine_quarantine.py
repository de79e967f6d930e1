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


def test_a_mapped_restore_keeps_what_it_overwrites_over_the_wire(pair) -> None:
    """Two real engines: the manifests (compressed payload) name the source's paths,
    the quarantine copy survives the restore mirror that deletes orphans."""
    from core.engine.pathmap import reverse_rules
    from core.protection.quarantine import CHANGED, ONLY_SOURCE, compare

    from .harness import PORT, wait_for
    from .test_engine_mirror import SET, protect
    from .test_engine_remap import RULES, _landed, _seed

    src, tgt = pair
    _seed(src)
    s, t = protect(src, tgt, "full", rules=RULES)
    wait_for(lambda: _landed(src, tgt), 5, "protected")
    s.disconnect(SET)
    c, e = tgt.vol["C"], src.vol["E"]
    sales = (e / "SQLData" / "Sales.mdf").read_bytes()
    (c / "FromSQL01" / "Sales" / "Sales.mdf").write_bytes(b"changed while failed over")
    (e / "SQLData" / "App" / "stale.txt").write_bytes(b"written on the source, never sent")
    many = e / "SQLData" / "App" / "many"
    many.mkdir()
    for i in range(1000):  # many paths in one manifest (payload) and one quarantine request
        (many / f"file-with-a-long-name-{i:05d}.dat").write_bytes(b"x")
    back = reverse_rules(RULES)
    diff = compare(s.manifest(back, image=True), t.manifest(back, image=False), "FS01", "FS02")
    ours = {d.path: d.why for d in diff.files if "\\many\\" not in d.path}
    assert ours == {"E:\\SQLData\\App\\stale.txt": ONLY_SOURCE, "E:\\SQLData\\Sales.mdf": CHANGED}
    assert diff.count == 1002
    folder = ".appmgr-restore-20261207-061500"
    got = s.quarantine([d.path for d in diff.files], folder)
    assert (got["copied"], got["folders"]) == (1002, [f"E:\\{folder}"])
    t.create_set(SET + "_r", back)
    s.accept(SET + "_r", "restore-token")
    t.connect(SET + "_r", src.ip, PORT, "restore-token", mirror_type="checksum",
              replicate=False, delete_orphans=True)
    wait_for(lambda: t.stats(SET + "_r").mirror_status in ("complete", "error"), 10, "restore")
    assert t.stats(SET + "_r").mirror_status == "complete", t.stats(SET + "_r").last_error
    assert not (e / "SQLData" / "App" / "stale.txt").exists()
    kept = e / folder / "SQLData"
    assert (kept / "App" / "stale.txt").read_bytes() == b"written on the source, never sent"
    assert (kept / "Sales.mdf").read_bytes() == sales  # the source's version, not the target's
    assert (e / "SQLData" / "Sales.mdf").read_bytes() == b"changed while failed over"
    assert len(list((kept / "App" / "many").iterdir())) == 1000


def test_a_compressed_reply_is_inflated_within_a_bound(monkeypatch) -> None:
    import json
    import zlib

    from core.engine import client, tls
    from core.errors import ProtocolError

    c = client.EngineClient("127.0.0.1", 9, tls.Identity("", "", ""))  # _bulk never connects
    assert c._bulk("manifest", zlib.compress(json.dumps([["E:\\a", False, 1, "d"]]).encode())) \
        == [["E:\\a", False, 1, "d"]]
    monkeypatch.setattr(client, "MAX_BULK", 1000)
    with pytest.raises(ProtocolError, match="larger than"):
        c._bulk("manifest", zlib.compress(b"[" + b"0," * 100_000 + b"0]"))  # a zip bomb, small
    with pytest.raises(ProtocolError, match="bad manifest reply"):
        c._bulk("manifest", b"not zlib")
