"""Rules that name a target path, between two real engines: mirror, checksum,
replication (write, rename, delete) and restore all use the mapped paths."""

from __future__ import annotations

import errno
import os

import pytest

from core.engine import fsops
from core.engine.durability import Durability
from core.engine.pathmap import reverse_rules
from core.model.rules import Rule

from .harness import PORT, tree, wait_for
from .test_engine_mirror import SET, protect
from .test_engine_replication import watcher  # noqa: F401 - fixture: native and polling

#: a folder remapped onto another volume, with an exclude and a file rule inside it,
#: next to two SQL-like database files remapped one by one (database-only mode)
RULES = [
    Rule("E:\\SQLData\\App", target="C:\\Remap\\App"),
    Rule("E:\\SQLData\\App\\Tmp", include=False),
    Rule("E:\\SQLData\\Sales.mdf", True, False, "C:\\FromSQL01\\Sales\\Sales.mdf"),
    Rule("E:\\SQLLogs\\Sales_log.ldf", True, False, "C:\\FromSQL01\\Sales\\Sales_log.ldf"),
]


def _seed(src) -> None:
    e = src.vol["E"]
    (e / "SQLData" / "App" / "sub").mkdir(parents=True)
    (e / "SQLData" / "App" / "Tmp").mkdir()
    (e / "SQLLogs").mkdir()
    (e / "SQLData" / "App" / "a.txt").write_bytes(b"app file")
    (e / "SQLData" / "App" / "sub" / "b.bin").write_bytes(os.urandom(70_000))
    (e / "SQLData" / "App" / "Tmp" / "junk").write_bytes(b"excluded")
    (e / "SQLData" / "Sales.mdf").write_bytes(os.urandom(300_000))
    (e / "SQLData" / "HR.mdf").write_bytes(b"not selected")
    (e / "SQLLogs" / "Sales_log.ldf").write_bytes(os.urandom(50_000))


def _landed(src, tgt) -> bool:
    """The target holds the source's data exactly at the mapped paths."""
    e, c = src.vol["E"], tgt.vol["C"]
    app = tree(e / "SQLData" / "App")
    app = {k: v for k, v in app.items() if not k.startswith("Tmp")}
    return (tree(c / "Remap" / "App") == app
            and (c / "FromSQL01" / "Sales" / "Sales.mdf").read_bytes()
            == (e / "SQLData" / "Sales.mdf").read_bytes()
            and (c / "FromSQL01" / "Sales" / "Sales_log.ldf").read_bytes()
            == (e / "SQLLogs" / "Sales_log.ldf").read_bytes())


@pytest.mark.parametrize("mirror", ["full", "checksum"])
def test_mirror_lands_at_the_mapped_paths_only(pair, mirror: str) -> None:
    src, tgt = pair
    _seed(src)
    protect(src, tgt, mirror, rules=RULES)
    assert _landed(src, tgt)
    assert not (tgt.vol["E"] / "SQLData").exists() and not (tgt.vol["E"] / "SQLLogs").exists()
    assert not (tgt.vol["C"] / "Remap" / "App" / "Tmp").exists()


def test_checksum_compares_with_the_mapped_copy(pair) -> None:
    src, tgt = pair
    _seed(src)
    s, _ = protect(src, tgt, "full", rules=RULES)
    mdf = src.vol["E"] / "SQLData" / "Sales.mdf"
    with open(mdf, "r+b") as fh:
        fh.seek(128 * 1024)
        fh.write(b"one changed block")
    s.disconnect(SET)
    s2, _ = protect(src, tgt, "checksum", rules=RULES)
    # only the changed 64 KiB block travels: the mapped copies were found and compared
    assert 0 < s2.stats(SET).bytes_sent <= 64 * 1024
    assert _landed(src, tgt)


def test_changes_replicate_to_the_mapped_paths(pair, watcher) -> None:  # noqa: F811
    src, tgt = pair
    _seed(src)
    protect(src, tgt, "checksum", replicate=True, rules=RULES)
    e, c = src.vol["E"], tgt.vol["C"]
    with open(e / "SQLData" / "Sales.mdf", "r+b") as fh:
        fh.write(b"a committed transaction")
    (e / "SQLData" / "App" / "new.txt").write_bytes(b"created")
    os.rename(e / "SQLData" / "App" / "a.txt", e / "SQLData" / "App" / "sub" / "renamed.txt")
    (e / "SQLData" / "App" / "sub" / "b.bin").unlink()
    (e / "SQLData" / "App" / "Tmp" / "more-junk").write_bytes(b"still excluded")
    wait_for(lambda: _landed(src, tgt), 5, "changes at the mapped paths")
    got = tree(c / "Remap" / "App")
    assert got["sub/renamed.txt"] == b"app file" and "a.txt" not in got and "sub/b.bin" not in got
    assert not (tgt.vol["E"] / "SQLData").exists()
    (e / "SQLLogs" / "Sales_log.ldf").unlink()  # a mapped file rule's file is deleted
    wait_for(lambda: not (c / "FromSQL01" / "Sales" / "Sales_log.ldf").exists(), 5, "delete")


def test_restore_maps_back_to_the_source_paths(pair) -> None:
    src, tgt = pair
    _seed(src)
    s, t = protect(src, tgt, "full", replicate=True, rules=RULES)
    wait_for(lambda: _landed(src, tgt), 5, "protected")
    s.disconnect(SET)
    c, e = tgt.vol["C"], src.vol["E"]
    (c / "FromSQL01" / "Sales" / "Sales.mdf").write_bytes(b"changed while failed over")
    (c / "Remap" / "App" / "sub" / "b.bin").unlink()
    (c / "Remap" / "App" / "on-target.txt").write_bytes(b"written on the target")
    (e / "SQLData" / "App" / "stale.txt").write_bytes(b"must go")
    # something unrelated at a source path on the target is not the set's: never restored
    (tgt.vol["E"] / "SQLData").mkdir()
    (tgt.vol["E"] / "SQLData" / "Sales.mdf").write_bytes(b"the target's own file")
    t.create_set(SET, reverse_rules(RULES))
    s.accept(SET, "restore-token")
    t.connect(SET, src.ip, PORT, "restore-token", mirror_type="checksum", replicate=False,
              delete_orphans=True)
    wait_for(lambda: t.stats(SET).mirror_status in ("complete", "error"), 5, "restore")
    assert t.stats(SET).mirror_status == "complete", t.stats(SET).last_error
    assert (e / "SQLData" / "Sales.mdf").read_bytes() == b"changed while failed over"
    assert (e / "SQLData" / "App" / "on-target.txt").read_bytes() == b"written on the target"
    assert not (e / "SQLData" / "App" / "sub" / "b.bin").exists()
    assert not (e / "SQLData" / "App" / "stale.txt").exists()
    assert (e / "SQLData" / "App" / "Tmp" / "junk").exists()  # excluded: left alone
    assert (e / "SQLData" / "HR.mdf").read_bytes() == b"not selected"
    assert not (src.vol["C"] / "Remap").exists()
    assert _landed(src, tgt)


def test_a_mapped_target_on_a_missing_volume_is_reported(pair) -> None:
    src, tgt = pair
    _seed(src)
    s, t = src.client(), tgt.client()
    s.create_set(SET, [Rule("E:\\SQLData\\Sales.mdf", True, False, "Q:\\X\\Sales.mdf")])
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", replicate=False)
    wait_for(lambda: s.stats(SET).mirror_status == "error", 5, "error")
    assert "volume Q: does not exist" in s.stats(SET).last_error


def test_rename_across_volumes_sends_the_content(tmp_path, monkeypatch) -> None:
    old, new = tmp_path / "old", tmp_path / "new" / "f"
    old.write_bytes(b"x")

    def cross_device(a: str, b: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(fsops.os, "replace", cross_device)
    assert fsops.rename(str(old), str(new), 1, 0, Durability()) is True
    assert not old.exists()


def test_a_file_rule_is_watched_through_its_folder(pair, watcher) -> None:  # noqa: F811
    """Database and store files are file rules: their changes replicate (mapped or not)."""
    src, tgt = pair
    _seed(src)
    rules = [Rule("E:\\SQLData\\Sales.mdf", True, False)]
    protect(src, tgt, "full", replicate=True, rules=rules)
    mdf = src.vol["E"] / "SQLData" / "Sales.mdf"
    with open(mdf, "r+b") as fh:
        fh.write(b"changed in place")
    (src.vol["E"] / "SQLData" / "HR.mdf").write_bytes(b"a sibling outside the set")
    copy = tgt.vol["E"] / "SQLData" / "Sales.mdf"
    wait_for(lambda: copy.read_bytes() == mdf.read_bytes(), 5, "the changed file")
    assert not (tgt.vol["E"] / "SQLData" / "HR.mdf").exists()
