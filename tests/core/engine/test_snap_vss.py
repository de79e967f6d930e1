"""Snapshots through VSS on a Windows target (core/engine/snap_vss.py).

No Windows here: the host operation is answered by a test double that does
what ``Win32_ShadowCopy`` does to the store (a read-only copy of the volume,
named by a device path), and ``mount`` points the drive link at that copy.
Everything else is the store's real code on real files: take, list, the
scan of the snapshot, rollback and delete.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from core.engine.identity import HostOpFailed, HostRunner
from core.engine.rules import RuleMatcher
from core.engine.snap_rollback import rollback
from core.engine.snap_vss import Vss, VssError, vss_on
from core.engine.snapshots import SnapshotError, SnapshotStore
from core.engine.volumes import VolumeMap
from core.model.rules import Rule

DEVICE = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy"


class FakeVss:
    """The ``snapshot_vss`` operation as VSS answers it, over directories."""

    def __init__(self, volumes: dict[str, Path], shadows: Path, fail_on: str = "") -> None:
        self.volumes, self.shadows, self.fail_on = volumes, shadows, fail_on
        self.calls: list[tuple[str, str]] = []
        self.numbers = itertools.count(1)
        self.live: dict[str, Path] = {}  # shadow id -> its copy

    def run(self, op: str, params: dict[str, Any]) -> Any:
        assert op == "snapshot_vss"
        action = params["action"]
        self.calls.append((action, params.get("volume") or params["id"]))
        if action == "create":
            drive = params["volume"].rstrip(":")
            if drive == self.fail_on:
                raise HostOpFailed(f"snapshot_vss failed: VSS could not snapshot {drive}:\\: "
                                   "error 12")
            n = next(self.numbers)
            copy = self.shadows / f"HarddiskVolumeShadowCopy{n}"
            shutil.copytree(self.volumes[drive], copy)
            sid = f"{{0000000{n}-1111-2222-3333-444455556666}}"
            self.live[sid] = copy
            return {"action": "create", "snapshots": {"id": sid, "volume": f"{drive}:\\",
                                                      "device": f"{DEVICE}{n}"}}
        if action == "delete":
            gone = self.live.pop(params["id"], None)
            if gone is None:
                raise HostOpFailed(f"snapshot_vss failed: no shadow copy {params['id']}")
            shutil.rmtree(gone)
            return {"action": "delete", "snapshots": []}
        raise AssertionError(action)

    def mount(self, device: str) -> str:
        return os.fspath(self.shadows / device.rsplit("\\", 1)[-1])


@pytest.fixture
def estate(tmp_path: Path) -> tuple[SnapshotStore, FakeVss, VolumeMap, RuleMatcher]:
    vols = {"E": tmp_path / "E", "F": tmp_path / "F"}
    for v in vols.values():
        v.mkdir()
    data, logs = vols["E"] / "SQL" / "Data", vols["F"] / "Logs"
    data.mkdir(parents=True)
    logs.mkdir()
    (data / "Sales.mdf").write_bytes(b"p" * 8192 * 4)
    (data / "skip.tmp").write_bytes(b"excluded")
    (vols["E"] / "outside.txt").write_bytes(b"not in the set")
    (logs / "Sales_log.ldf").write_bytes(b"l" * 8192)
    (tmp_path / "shadows").mkdir()
    fake = FakeVss(vols, tmp_path / "shadows")
    volumes = VolumeMap(vols)
    matcher = RuleMatcher([Rule("E:\\SQL\\Data"), Rule("E:\\SQL\\Data\\skip.tmp", include=False),
                           Rule("F:\\Logs")])
    store = SnapshotStore(tmp_path / "snapshots", volumes, Vss(fake, fake.mount))
    return store, fake, volumes, matcher


def test_a_take_is_one_shadow_copy_per_volume_read_through_drive_links(estate) -> None:
    store, fake, _volumes, matcher = estate
    snap = store.take("sql_SQL01_SQL02", matcher, 1_700_000_000.0, "on demand")
    assert fake.calls == [("create", "E:"), ("create", "F:")]
    assert (snap.method, snap.files, snap.size) == ("vss", 2, 8192 * 5)
    tree = Path(snap.path)
    assert os.path.islink(tree / "E") and os.readlink(tree / "E") == fake.mount(f"{DEVICE}1")
    # Verify Target Data's host operations read <tree>/<drive>/<path>, as of other snapshots
    assert (tree / "E" / "SQL" / "Data" / "Sales.mdf").read_bytes() == b"p" * 8192 * 4
    assert [s.id for s in store.list("sql_SQL01_SQL02")] == [snap.id]
    assert store.changed("sql_SQL01_SQL02", snap.id) == []  # read-only: never moves
    files = store.files("sql_SQL01_SQL02", snap.id, matcher)
    assert sorted(k for k, v in files.items() if v) == [
        "E:\\SQL\\Data\\Sales.mdf", "F:\\Logs\\Sales_log.ldf"]  # skip.tmp, outside.txt: not the set's


def test_rollback_from_a_shadow_copy_makes_the_data_equal_it(estate) -> None:
    store, _fake, volumes, matcher = estate
    snap = store.take("s", matcher, 1_700_000_000.0, "on demand")
    live = volumes.to_local("E:\\SQL\\Data")
    (live / "Sales.mdf").write_bytes(b"x" * 100)
    (live / "later.ndf").write_bytes(b"new since")
    (volumes.to_local("F:\\Logs") / "Sales_log.ldf").unlink()

    done = rollback(store.files("s", snap.id, matcher), matcher, volumes)
    assert (live / "Sales.mdf").read_bytes() == b"p" * 8192 * 4
    assert not (live / "later.ndf").exists()
    assert (volumes.to_local("F:\\Logs") / "Sales_log.ldf").read_bytes() == b"l" * 8192
    assert (live / "skip.tmp").read_bytes() == b"excluded"  # not the set's: left alone
    assert (done.deleted, done.replaced) == (1, 2)


def test_delete_releases_the_shadow_copies_and_a_dropped_one_is_not_listed(estate) -> None:
    store, fake, _volumes, matcher = estate
    one = store.take("s", matcher, 1_700_000_000.0, "on demand")
    two = store.take("s", matcher, 1_700_000_060.0, "schedule")
    store.delete("s", one.id)
    assert fake.calls[-2:] == [("delete", "{00000001-1111-2222-3333-444455556666}"),
                               ("delete", "{00000002-1111-2222-3333-444455556666}")]
    assert [s.id for s in store.list("s")] == [two.id]
    # VSS dropped the second snapshot's E: copy (its diff area was full): no longer listed,
    # and deleting it still releases what remains
    shutil.rmtree(fake.live.pop("{00000003-1111-2222-3333-444455556666}"))
    assert store.list("s") == []
    store.delete("s", two.id)
    assert fake.live == {} and not (store.root / "s" / two.id).exists()


def test_a_refused_volume_releases_the_others_and_leaves_nothing(estate) -> None:
    store, fake, _volumes, matcher = estate
    fake.fail_on = "F"
    with pytest.raises(SnapshotError, match="VSS could not snapshot F: .*error 12"):
        store.take("s", matcher, 1_700_000_000.0, "on demand")
    assert fake.calls == [("create", "E:"), ("create", "F:"),
                          ("delete", "{00000001-1111-2222-3333-444455556666}")]
    assert fake.live == {} and list((store.root / "s").iterdir()) == []


@pytest.mark.parametrize("answer", [
    {"snapshots": []},
    {"snapshots": [{"id": "{1}", "device": "C:\\not\\a\\shadow"}]},
    {"snapshots": [{"id": "$(evil)", "device": DEVICE + "1"}]},
    "not json of shadows",
])
def test_an_answer_that_is_not_one_shadow_copy_is_refused(answer: Any) -> None:
    class Says:
        def run(self, op: str, params: dict[str, Any]) -> Any:
            return answer

    with pytest.raises(VssError):
        Vss(Says()).create("E")


def test_only_an_engine_on_windows_takes_vss_snapshots(monkeypatch) -> None:
    powershell = HostRunner(["powershell.exe", "-NoProfile", "-EncodedCommand"])
    # this host is Linux: its engines (the lab's included) take copy-on-write trees
    assert vss_on(powershell) is None
    monkeypatch.setattr(os, "name", "nt")
    on_windows = vss_on(powershell)
    assert isinstance(on_windows, Vss) and on_windows.runner is powershell
    assert vss_on(HostRunner(None)) is None  # no way to run a host operation
