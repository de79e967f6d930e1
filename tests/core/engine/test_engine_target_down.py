"""kill -9 of the target engine: the source's stats say so, dated, with the queue (issue 9.2)."""

from __future__ import annotations

import time

from tests.present import present

from .harness import PORT, Server, spawn_engine, stats_when, tree, wait_for
from .test_engine_mirror import RULES, SET, populate

#: how long the source may take to notice a dead target once a change waits for it
NOTICE_BOUND = 5.0


def test_killed_target_is_reported_with_its_start_and_the_queue(tmp_path) -> None:
    src = Server(tmp_path / "FS01", "127.0.90.1").start()
    tgt = Server(tmp_path / "FS02", "127.0.90.2")
    populate(src.data, files=3)
    pt = spawn_engine(tgt)
    try:
        s, t = src.client(), tgt.client()
        s.create_set(SET, RULES)
        t.accept(SET, "tok")
        s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", replicate=True)
        wait_for(lambda: s.stats(SET).replication_status == "replicating", 10, "replicating")
        up = s.stats(SET)
        assert up.target_connected is True and up.last_error == "" and up.queued_bytes == 0

        pt.kill()  # SIGKILL: no goodbye on the channel
        pt.wait(10)
        before = time.time()
        (src.data / "after-kill.bin").write_bytes(b"x" * 50_000)
        down = stats_when(lambda: (st := s.stats(SET)).target_connected is False and st, NOTICE_BOUND,
                        "the source reports its target down")
        assert "127.0.90.2" in down.last_error and down.replication_status == "error"
        # dated when it began (not when last retried), within this test's window
        assert before - 1 <= present(down.target_since) <= time.time()
        queued = stats_when(lambda: (st := s.stats(SET)).queued_bytes >= 50_000 and st, NOTICE_BOUND,
                          "the write counted in the queue")
        assert queued.queued_ops >= 1 and queued.queue_since is not None
        assert queued.bytes_remaining >= 50_000  # the queue is part of what remains
        assert s.stats(SET).target_since == down.target_since  # retries keep the start

        pt = spawn_engine(tgt)  # back: the pair catches up and the trouble clears
        wait_for(lambda: s.stats(SET).target_connected is True, 20, "reconnected")
        wait_for(lambda: tree(src.data) == tree(tgt.data), 10, "target equal to source")
        # the trees may be equal before the re-mirror's end is confirmed: wait for that
        back = stats_when(lambda: (st := s.stats(SET)).queued_ops == 0
                        and st.mirror_status == "complete" and st, 10, "queue drained")
        assert back.last_error == "" and back.error_since is None
        assert back.queued_bytes == 0 and back.bytes_remaining == 0
    finally:
        src.stop()
        if pt.poll() is None:
            pt.kill()
            pt.wait(10)


def test_which_failures_mean_the_target_is_down() -> None:
    from core.engine.channel import ChannelError
    from core.engine.handshake import TlsFailed
    from core.engine.replication_failures import target_down as _target_down

    assert _target_down(ConnectionRefusedError(111, "refused"), None)
    assert _target_down(TimeoutError(), None)
    assert _target_down(OSError(113, "No route to host"), None)
    # a target that answers, or a local file error, is an error but not a dead target
    assert not _target_down(ConnectionResetError(), ChannelError("disk full on the target"))
    assert not _target_down(TlsFailed("certificate of another estate"), None)
    assert not _target_down(ChannelError("no such set"), None)
    assert not _target_down(OSError(13, "Permission denied", "/data/x"), None)


def test_counters_keep_the_start_of_a_repeated_failure() -> None:
    from core.engine.clock import FakeClock
    from core.engine.counters import Counters

    clock = FakeClock(500.0)
    c = Counters(clock)
    c.connected()
    assert (c.target_connected, c.target_since) == (True, 500.0)
    clock.advance(10)
    c.failed("refused", target_down=True)
    clock.advance(30)
    c.failed("refused again", target_down=True)  # a retry: the trouble began at 510
    st = c.stats(4, 1000, 505.0, None)
    assert (st.target_connected, st.target_since, st.error_since) == (False, 510.0, 510.0)
    assert st.last_error == "refused again" and st.bytes_remaining == 1000
    c.connected()
    c.cleared()
    assert (c.target_since, c.error_since, c.last_error) == (540.0, None, "")
