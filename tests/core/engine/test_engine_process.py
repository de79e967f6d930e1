"""The real entry point: ready line and file, SIGTERM, restart resumes."""

from __future__ import annotations

import json
import os
import signal

from .harness import PORT, Server, client, spawn_engine, tree, wait_for
from .test_engine_mirror import RULES, SET, populate


def stop(proc) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(10)


def test_restart_resumes_replication(tmp_path) -> None:
    src = Server(tmp_path / "FS01", "127.0.41.3")
    tgt = Server(tmp_path / "FS02", "127.0.41.4")
    populate(src.data, files=5)
    ps, pt = spawn_engine(src), spawn_engine(tgt)
    try:
        ready = json.loads((src.state / "engine.ready").read_text())
        assert ready == {"pid": ps.pid, "listen": src.ip, "port": PORT,
                         "version": ready["version"]}
        s = client(src.ip, PORT)
        t = client(tgt.ip, PORT)
        s.create_set(SET, RULES)
        t.accept(SET, "tok")
        s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full")
        t.create_monitor(SET, [src.ip], PORT, "heartbeat", 0.1, 2, "all")
        wait_for(lambda: s.stats(SET).mirror_status == "complete", 5, "mirror")
        s.close()

        assert stop(ps) == 0  # clean exit, state persisted, ready file gone
        assert not (src.state / "engine.ready").exists()
        state = json.loads((src.state / "engine.json").read_text())
        assert SET in state["connections"] and "tok" not in json.dumps(state)
        assert oct(os.stat(src.state / "engine.json").st_mode & 0o777) == "0o600"
        wait_for(lambda: t.monitor_status(SET).state == "failover_condition", 3, "condition")
        (src.data / "while-down.txt").write_bytes(b"written while the engine was stopped")

        ps = spawn_engine(src)  # resumes: checksum re-mirror, then replication
        s = client(src.ip, PORT)
        wait_for(lambda: s.stats(SET).replication_status == "replicating", 5, "replicating")
        (src.data / "after-restart.txt").write_bytes(b"replicated after restart")
        wait_for(lambda: tree(src.data) == tree(tgt.data), 5, "target equal to source")
        assert s.stats(SET).bytes_sent < 100_000  # the re-mirror sent only what changed

        assert stop(pt) == 0  # the target restarts: the monitor keeps its condition
        pt = spawn_engine(tgt)
        assert t.monitor_status(SET).state == "failover_condition"
        s.close()
        t.close()
    finally:
        for p in (ps, pt):
            if p.poll() is None:
                stop(p)
