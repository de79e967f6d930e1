"""Restart safety, fault by fault, between real engine processes (kill -9) and real files.

Each case ends by comparing the source and target trees by a checksum manifest
(the engine's partial files included, so one left behind is a difference), and
while it waits it asserts the source never reported a complete mirror while
the trees differed. Addresses 127.0.88.x on their own port.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from core.engine.scan import TMP_PREFIX
from core.model.rules import Rule

from .harness import Server, client, free_port, spawn_engine, stats_when, wait_for

SET = "fileprint_FS01_FS02"
NET = "127.0.88"
PORT = free_port(NET)
RULES = [Rule("E:\\Shares\\Data")]


def manifest(root: Path) -> dict[str, str]:
    """Relative path → blake2b of the content ("dir" for a directory); every file,
    the engine's partial files included."""
    out: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(root):
        for d in dirs:
            out[os.path.relpath(os.path.join(dirpath, d), root)] = "dir"
        for f in files:
            p = os.path.join(dirpath, f)
            try:
                out[os.path.relpath(p, root)] = hashlib.blake2b(Path(p).read_bytes()).hexdigest()
            except FileNotFoundError:  # replaced while we read: the next poll sees it
                out[os.path.relpath(p, root)] = "vanished"
    return out


def converge(s, src: Server, tgt: Server, timeout: float = 20.0) -> None:
    """Wait until the trees are equal and the source says so; fail if the source ever
    says "complete" (nothing owed) while they differ."""
    deadline = time.monotonic() + timeout
    while True:
        st = s.stats(SET)  # read before the trees: a mirror it calls complete is done
        said_complete = st.mirror_state == "complete" and not st.remirror_reason
        same = manifest(src.data) == manifest(tgt.data)
        if said_complete and st.queued_ops == 0:
            assert same, f"stats say complete while the trees differ: {st}"
        if same and said_complete:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"target never equalled the source: {st}")
        time.sleep(0.05)


def populate(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    (root / "olddir").mkdir(exist_ok=True)
    for i in range(8):
        d = [root, root / "sub", root / "sub" / "deeper", root / "olddir"][i % 4]
        (d / f"f{i}.bin").write_bytes(os.urandom(1000 + 7919 * i))


def kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


@pytest.fixture
def engines(tmp_path: Path):
    src = Server(tmp_path / "FS01", f"{NET}.1", port=PORT)
    tgt = Server(tmp_path / "FS02", f"{NET}.2", port=PORT)
    procs: dict[str, object] = {}

    def start(which: str) -> None:
        procs[which] = spawn_engine(src if which == "src" else tgt)

    yield src, tgt, procs, start
    for p in procs.values():
        if p.poll() is None:  # type: ignore[attr-defined]
            kill(p)


def protect(src: Server, tgt: Server, rules=RULES):
    s, t = client(src.ip, src.port), client(tgt.ip, tgt.port)
    s.create_set(SET, rules)
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, tgt.port, "tok", mirror_type="checksum")
    return s, t


def test_source_killed_deletes_and_renames_while_down_reach_the_target(engines) -> None:
    src, tgt, procs, start = engines
    populate(src.data)
    start("src")
    start("tgt")
    s, _ = protect(src, tgt)
    converge(s, src, tgt)

    kill(procs["src"])
    (src.data / "f0.bin").unlink()  # delete
    (src.data / "sub" / "f1.bin").rename(src.data / "sub" / "renamed1.bin")  # rename
    (src.data / "sub" / "deeper").rename(src.data / "moved")  # directory rename
    for f in (src.data / "olddir").iterdir():  # directory delete
        f.unlink()
    (src.data / "olddir").rmdir()

    start("src")
    s = client(src.ip, PORT)
    converge(s, src, tgt)
    assert not (tgt.data / "f0.bin").exists() and not (tgt.data / "olddir").exists()
    assert not (tgt.data / "sub" / "deeper").exists()


def test_target_killed_during_replication_then_changes(engines) -> None:
    src, tgt, procs, start = engines
    populate(src.data)
    start("src")
    start("tgt")
    s, _ = protect(src, tgt)
    converge(s, src, tgt)

    # a large file in flight when the target dies: its partial copy stays behind
    (src.data / "big.bin").write_bytes(os.urandom(1 << 20) * 96)
    deadline = time.monotonic() + 10
    while not any(n.startswith(TMP_PREFIX) for n in os.listdir(tgt.data)):
        assert time.monotonic() < deadline, "the big file's transfer never started"
    kill(procs["tgt"])  # at once: the transfer is still under way
    assert any(n.startswith(TMP_PREFIX) for n in os.listdir(tgt.data))

    (src.data / "new.txt").write_bytes(b"written while the target was down")
    (src.data / "f0.bin").unlink()
    (src.data / "sub" / "f1.bin").rename(src.data / "renamed.bin")
    with open(src.data / "olddir" / "f3.bin", "r+b") as fh:
        fh.write(b"changed in place")
    st = stats_when(lambda: (x := s.stats(SET)).remirror_reason and x, 10, "re-mirror owed")
    assert st.mirror_state == "remirror_required" and st.mirror_status != "complete"
    assert st.mirror_percent < 100

    start("tgt")
    converge(s, src, tgt, timeout=40)
    assert not any(n.startswith(TMP_PREFIX) for n in os.listdir(tgt.data))


def test_same_size_change_with_mtime_put_back_while_down_is_sent(engines) -> None:
    src, tgt, procs, start = engines
    populate(src.data)
    db = src.data / "app.mdf"
    db.write_bytes(b"\0" * (1 << 20))  # preallocated, as database files are
    start("src")
    start("tgt")
    s, _ = protect(src, tgt)
    converge(s, src, tgt)

    kill(procs["src"])
    before = os.stat(db)
    with open(db, "r+b") as fh:
        fh.seek(300_000)
        fh.write(b"page written while the engine was down")
    os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(db).st_size == before.st_size

    start("src")
    s = client(src.ip, PORT)
    converge(s, src, tgt)
    assert (tgt.data / "app.mdf").read_bytes() == db.read_bytes()
    assert s.stats(SET).bytes_sent <= 64 * 1024  # one block, not the whole file


def test_partial_files_removed_at_target_start(engines) -> None:
    src, tgt, procs, start = engines
    populate(src.data)
    start("src")
    start("tgt")
    s, _ = protect(src, tgt)
    converge(s, src, tgt)
    kill(procs["src"])  # no mirror will begin: only the target's start can remove them
    kill(procs["tgt"])
    left = [tgt.data / f"{TMP_PREFIX}0badf00d.f0.bin",
            tgt.data / "sub" / f"{TMP_PREFIX}12345678.new.bin"]
    for p in left:
        p.write_bytes(b"half a transfer")
    outside = tgt.vol["E"] / "Shares" / "Other" / f"{TMP_PREFIX}0badf00d.x.bin"
    outside.parent.mkdir(parents=True)
    outside.write_bytes(b"not the set's")

    start("tgt")
    assert not any(p.exists() for p in left)  # gone before the engine said READY
    assert outside.exists()


def test_orphan_deletion_respects_excludes_and_the_set(tmp_path: Path) -> None:
    """In-process engines, clean restarts: orphans go, excluded and outside paths stay,
    also through a target path mapping."""
    src = Server(tmp_path / "FS01", f"{NET}.3", port=PORT).start()
    tgt = Server(tmp_path / "FS02", f"{NET}.4", port=PORT).start()
    rules = [Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Data\\olddir\\private.txt", False),
             Rule("E:\\Shares\\Data\\Local", False),
             Rule("E:\\Apps", target="C:\\FromFS01\\Apps")]
    apps_src, apps_tgt = src.vol["E"] / "Apps", tgt.vol["C"] / "FromFS01" / "Apps"
    try:
        populate(src.data)
        apps_src.mkdir()
        (apps_src / "a.cfg").write_bytes(b"app config")
        s, _ = protect(src, tgt, rules)
        converge(s, src, tgt)
        assert (apps_tgt / "a.cfg").exists()

        keep = {tgt.data / "olddir" / "private.txt": b"excluded, the target's own",
                tgt.data / "Local" / "notes.txt": b"excluded directory",
                tgt.vol["E"] / "Shares" / "Other" / "x.txt": b"outside the set",
                tgt.vol["C"] / "FromFS01" / "other.txt": b"beside the mapped path"}
        for p, data in keep.items():
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        src.stop()
        for f in (src.data / "olddir").iterdir():
            f.unlink()
        (src.data / "olddir").rmdir()
        (apps_src / "a.cfg").unlink()
        (tgt.data / "orphan.txt").write_bytes(b"the source never had it")
        src.start()

        s = src.client()
        wait_for(lambda: s.stats(SET).mirror_state == "complete", 15, "re-mirror")
        assert not (tgt.data / "orphan.txt").exists()
        assert not (tgt.data / "olddir" / "f3.bin").exists()
        assert not (apps_tgt / "a.cfg").exists() and apps_tgt.is_dir()
        for p, data in keep.items():
            assert p.read_bytes() == data, p
    finally:
        src.stop()
        tgt.stop()
