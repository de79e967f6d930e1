"""Full and Checksum mirror between two real engines (in-process, real sockets, real files)."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

from core.errors import NotFound, Unreachable
from core.model.rules import Rule

from .harness import PORT, client, tree, wait_for

SET = "fileprint_FS01_FS02"
RULES = [Rule("E:\\Shares\\Data")]


def populate(root, files: int = 12) -> None:
    rnd = secrets.SystemRandom()
    (root / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    (root / "empty").mkdir(exist_ok=True)
    for i in range(files):
        d = [root, root / "sub", root / "sub" / "deeper"][i % 3]
        (d / f"f{i}.bin").write_bytes(os.urandom(rnd.randint(0, 300_000)))


def protect(src, tgt, mirror_type="full", compression=0, replicate=False, rules=RULES,
            delete_orphans=False):
    s, t = src.client(), tgt.client()
    s.create_set(SET, rules)
    t.accept(SET, "tok-123")
    s.connect(SET, tgt.ip, PORT, "tok-123", mirror_type=mirror_type, compression=compression,
              replicate=replicate, delete_orphans=delete_orphans)
    wait_for(lambda: s.stats(SET).mirror_status in ("complete", "error"), 10, "mirror end")
    st = s.stats(SET)
    assert st.mirror_status == "complete", st.last_error
    return s, t


def test_the_console_certificate_opens_the_api(pair) -> None:
    src, _ = pair
    info = src.client().info()
    assert info["port"] == PORT and info["hostname"] == "FS01"


def test_unreachable_is_typed() -> None:
    with pytest.raises(Unreachable, match=f"127.0.41.99:{PORT} refused the connection"):
        client("127.0.41.99", PORT, timeout=1).info()
    with socket.socket() as silent:  # accepts, never speaks
        silent.bind(("127.0.41.7", PORT))
        silent.listen()
        with pytest.raises(Unreachable, match=f"127.0.41.7:{PORT} did not answer within 0.3 s"):
            client("127.0.41.7", PORT, timeout=0.3).info()


def test_full_mirror_identical(pair) -> None:
    src, tgt = pair
    populate(src.data)
    s, _ = protect(src, tgt, "full")
    assert tree(tgt.data) == tree(src.data)
    st = s.stats(SET)
    total = sum(len(v) for v in tree(src.data).values() if v is not None)
    assert st.bytes_sent == total and st.mirror_percent == 100.0


def test_checksum_sends_only_changed_block(pair) -> None:
    src, tgt = pair
    populate(src.data)
    big = src.data / "big.bin"
    big.write_bytes(os.urandom(4 << 20))
    s, _ = protect(src, tgt, "full")
    first = s.stats(SET).bytes_sent
    # change one 64 KiB block on the source; the target's copy keeps its mtime
    with open(big, "r+b") as fh:
        fh.seek(1 << 20)
        fh.write(b"x" * 100)
    s.connect(SET, tgt.ip, PORT, "tok-123", mirror_type="checksum", replicate=False)
    wait_for(lambda: s.stats(SET).mirror_status == "complete", 10, "checksum mirror")
    st = s.stats(SET)
    assert 0 < st.bytes_sent <= 64 * 1024, st
    assert tree(tgt.data) == tree(src.data)
    assert first > 4 << 20


def test_checksum_true_path_when_mtime_differs(pair) -> None:
    """Same size, different content and mtime on the target: block sums decide."""
    src, tgt = pair
    (src.data).mkdir(parents=True)
    data = bytearray(os.urandom(1 << 20))
    (src.data / "a.bin").write_bytes(bytes(data))
    tgt.data.mkdir(parents=True)
    data[500_000] ^= 0xFF
    (tgt.data / "a.bin").write_bytes(bytes(data))
    s, _ = protect(src, tgt, "checksum")
    assert s.stats(SET).bytes_sent == 64 * 1024
    assert (tgt.data / "a.bin").read_bytes() == (src.data / "a.bin").read_bytes()


def _same_size_and_mtime(src, tgt) -> None:
    src.data.mkdir(parents=True)
    tgt.data.mkdir(parents=True)
    (src.data / "a.bin").write_bytes(b"A" * 1000)
    (tgt.data / "a.bin").write_bytes(b"B" * 1000)
    (src.data / "same.bin").write_bytes(b"S" * 5000)
    (tgt.data / "same.bin").write_bytes(b"S" * 5000)
    for name in ("a.bin", "same.bin"):
        st = os.stat(src.data / name)
        os.utime(tgt.data / name, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_checksum_compares_content_not_size_and_mtime(pair) -> None:
    """Same size and mtime prove nothing: the differing file is sent, the equal one not."""
    src, tgt = pair
    _same_size_and_mtime(src, tgt)
    s, _ = protect(src, tgt, "checksum")
    assert s.stats(SET).bytes_sent == 1000
    assert tree(tgt.data) == tree(src.data)


def test_checksum_mirror_repairs_what_a_crash_mid_mirror_left_in_place(pair) -> None:
    """A mirror writes the target's missing small files under their final names and
    syncs them once at its end (core.engine.batch_sink.write_direct); a crash before
    that can leave a file empty, short, or its blocks unwritten with size and time
    already right. The re-mirror every restart runs compares content and repairs
    each of them."""
    src, tgt = pair
    src.data.mkdir(parents=True)
    bodies = {name: os.urandom(size) for name, size in
              (("empty.bin", 5000), ("short.bin", 300_000), ("zeros.bin", 200_000),
               ("whole.bin", 7000))}
    for name, body in bodies.items():
        (src.data / name).write_bytes(body)
    tgt.data.mkdir(parents=True)
    (tgt.data / "empty.bin").write_bytes(b"")
    (tgt.data / "short.bin").write_bytes(bodies["short.bin"][:100_000])
    (tgt.data / "zeros.bin").write_bytes(bytes(200_000))
    (tgt.data / "whole.bin").write_bytes(bodies["whole.bin"])
    for name in ("zeros.bin", "whole.bin"):  # size and time as the source's
        st = (src.data / name).stat()
        os.utime(tgt.data / name, ns=(st.st_atime_ns, st.st_mtime_ns))
    s, _ = protect(src, tgt, "checksum")
    assert tree(tgt.data) == tree(src.data)
    assert s.stats(SET).bytes_sent < sum(len(b) for b in bodies.values())  # whole.bin not


def test_quick_mirror_takes_size_and_mtime_as_equal(pair) -> None:
    """The explicit quick mode keeps the old shortcut (and says so by its name)."""
    src, tgt = pair
    _same_size_and_mtime(src, tgt)
    s, _ = protect(src, tgt, "quick")
    assert s.stats(SET).bytes_sent == 0
    assert (tgt.data / "a.bin").read_bytes() == b"B" * 1000


def test_compression_counters(pair) -> None:
    src, tgt = pair
    src.data.mkdir(parents=True)
    (src.data / "text.txt").write_bytes(b"hello replication " * 50_000)
    (src.data / "rand.bin").write_bytes(os.urandom(200_000))
    s, _ = protect(src, tgt, "full", compression=6)
    st = s.stats(SET)
    assert st.bytes_sent == 900_000 + 200_000
    assert st.bytes_sent_compressed < 200_000 + 100_000
    assert tree(tgt.data) == tree(src.data)


def test_exclude_rules_honoured(pair) -> None:
    src, tgt = pair
    populate(src.data)
    (src.data / "tmp").mkdir()
    (src.data / "tmp" / "junk.bin").write_bytes(b"junk")
    (src.data / "tmp" / "keep").mkdir()
    (src.data / "tmp" / "keep" / "k.txt").write_bytes(b"keep me")
    rules = [Rule("E:\\Shares\\Data"), Rule("E:\\Shares\\Data\\tmp", include=False),
             Rule("E:\\Shares\\Data\\tmp\\keep")]
    protect(src, tgt, "full", rules=rules)
    got = tree(tgt.data)
    assert "tmp/junk.bin" not in got
    assert got["tmp/keep/k.txt"] == b"keep me"
    assert got["sub/f1.bin"] == (src.data / "sub" / "f1.bin").read_bytes()


def test_delete_orphans(pair) -> None:
    src, tgt = pair
    populate(src.data)
    tgt.data.mkdir(parents=True)
    (tgt.data / "orphan.txt").write_bytes(b"only on target")
    (tgt.data / "olddir" / "x").mkdir(parents=True)
    protect(src, tgt, "checksum", delete_orphans=True)
    assert tree(tgt.data) == tree(src.data)


def test_orphans_kept_without_flag(pair) -> None:
    src, tgt = pair
    populate(src.data)
    tgt.data.mkdir(parents=True)
    (tgt.data / "orphan.txt").write_bytes(b"only on target")
    protect(src, tgt, "checksum")
    assert (tgt.data / "orphan.txt").exists()


def test_missing_target_volume_is_an_error(pair) -> None:
    src, tgt = pair
    populate(src.data)
    s, t = src.client(), tgt.client()
    s.create_set(SET, [Rule("E:\\Shares\\Data"), Rule("F:\\Other")])
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", replicate=False)
    wait_for(lambda: s.stats(SET).mirror_status == "error", 5, "mirror error")
    assert "volume F: does not exist" in s.stats(SET).last_error


def test_wrong_token_is_reported(pair) -> None:
    src, tgt = pair
    populate(src.data)
    s, t = src.client(), tgt.client()
    s.create_set(SET, RULES)
    t.accept(SET, "right")
    s.connect(SET, tgt.ip, PORT, "wrong", replicate=False)
    wait_for(lambda: s.stats(SET).last_error, 5, "error")
    assert "token is wrong" in s.stats(SET).last_error


def test_not_found_errors(pair) -> None:
    src, _ = pair
    c = src.client()
    with pytest.raises(NotFound):
        c.stats("nope")
    with pytest.raises(NotFound):
        c.connect("nope", "127.0.41.2", PORT, "t")
    with pytest.raises(NotFound):
        c.monitor_status("nope")
