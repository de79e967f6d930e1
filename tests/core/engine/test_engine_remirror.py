"""The re-mirror entry point (Replicator.require_remirror) and deletes that keep what
the set's rules exclude. In-process engines on 127.0.89.x."""

from __future__ import annotations

import shutil
import ssl
import threading
from pathlib import Path

from core.engine.clock import SystemClock
from core.engine.replicator import ConnSpec, Replicator
from core.engine.volumes import VolumeMap
from core.model.rules import Rule

from .harness import Server, free_port, stats_when, wait_for
from .test_engine_restart_safety import SET, converge, manifest, populate, protect

NET = "127.0.89"
PORT = free_port(NET)


def test_require_remirror_is_idempotent_and_keeps_the_first_reason(tmp_path: Path) -> None:
    r = Replicator(SET, [Rule("E:\\Shares\\Data")], ConnSpec("127.0.89.9", PORT, "k"),
                   VolumeMap({}), tmp_path, SystemClock(), tls=ssl.create_default_context())
    assert r.stats().mirror_state == "idle" and r.stats().remirror_reason == ""
    r.counters.mirror_status = "complete"
    assert r.stats().mirror_state == "complete" and r.stats().mirror_percent == 100
    r.require_remirror("the watcher's event queue overflowed")
    r.require_remirror("a second doubt")
    st = r.stats()
    assert st.remirror_reason == "the watcher's event queue overflowed"
    assert st.mirror_state == st.mirror_status == "remirror_required"
    assert st.mirror_percent == 0
    assert [op["kind"] for op in r.queue.take_all()] == ["resync"]  # one re-mirror owed
    r.queue.close()


def test_require_remirror_from_a_watcher_thread_prunes_orphans(tmp_path: Path) -> None:
    src = Server(tmp_path / "FS01", f"{NET}.1", port=PORT).start()
    tgt = Server(tmp_path / "FS02", f"{NET}.2", port=PORT).start()
    try:
        populate(src.data)
        s, _ = protect(src, tgt)
        converge(s, src, tgt)
        tgt.stop()  # the re-mirror cannot run yet: the reason shows meanwhile
        assert src.svc is not None
        rep = src.svc.replicators[SET]
        callers = [threading.Thread(target=rep.require_remirror, args=("watcher overflow",))
                   for _ in range(2)]
        for t in callers:
            t.start()
        for t in callers:
            t.join()
        st = stats_when(lambda: (x := s.stats(SET)).mirror_state == "remirror_required" and x,
                      10, "re-mirror required")
        assert st.remirror_reason == "watcher overflow", st
        (tgt.data / "orphan.txt").write_bytes(b"not on the source")
        tgt.start()
        converge(s, src, tgt, timeout=30)
        assert not (tgt.data / "orphan.txt").exists()
    finally:
        src.stop()
        tgt.stop()


def test_a_replicated_directory_delete_keeps_excluded_files(tmp_path: Path) -> None:
    src = Server(tmp_path / "FS01", f"{NET}.3", port=PORT).start()
    tgt = Server(tmp_path / "FS02", f"{NET}.4", port=PORT).start()
    rules = [Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Data\\olddir\\private.txt", False)]
    try:
        populate(src.data)
        s, _ = protect(src, tgt, rules)
        converge(s, src, tgt)
        private = tgt.data / "olddir" / "private.txt"
        private.write_bytes(b"the target's own, excluded from the set")
        shutil.rmtree(src.data / "olddir")
        wait_for(lambda: not (tgt.data / "olddir" / "f3.bin").exists(), 10, "replicated delete")
        assert private.read_bytes() == b"the target's own, excluded from the set"
        assert {k for k in manifest(tgt.data)} - {k for k in manifest(src.data)} == {
            "olddir", "olddir/private.txt"}
    finally:
        src.stop()
        tgt.stop()
