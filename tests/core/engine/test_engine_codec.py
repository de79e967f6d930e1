"""zstd on the data channel: round trips between two real engines, bounded inflating,
and the handshake's refusal of a method the target does not offer."""

from __future__ import annotations

import json
import os
import random
import struct
import zlib
from pathlib import Path

import pytest
import zstandard

from core.engine import auth, codec, handshake, protocol, tls
from core.errors import AppmgrError
from core.model.rules import Rule

from .harness import PORT, tree, wait_for

SET = "fileprint_FS01_FS02"
RULES = [Rule("E:\\Shares\\Data")]
MIB = 1 << 20


def text(n: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    words = [b"replica", b"server", b"invoice", b"mailbox", b"commit", b"page"]
    out = bytearray()
    while len(out) < n:
        out += b" ".join(rnd.choices(words, k=8)) + b" %d\n" % rnd.randint(0, 99999)
    return bytes(out[:n])


def connect(src, tgt, level: int, method: str, mirror: str = "full", replicate: bool = True):
    s, t = src.client(), tgt.client()
    s.create_set(SET, RULES)
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, PORT, "tok", mirror_type=mirror, compression=level,
              replicate=replicate, codec=method)
    return s


def mirrored(s) -> None:
    wait_for(lambda: s.stats(SET).mirror_status in ("complete", "error"), 20, "mirror end")
    st = s.stats(SET)
    assert st.mirror_status == "complete", st.last_error


def test_zstd_round_trip_mirror_batches_and_deltas(pair, monkeypatch) -> None:
    src, tgt = pair
    seen: list[str] = []  # the methods the target inflated (both engines run in-process)
    real = codec.inflate
    def spy(method: str, payload: bytes, bound: int) -> bytes:
        seen.append(method)
        return real(method, payload, bound)

    monkeypatch.setattr(codec, "inflate", spy)
    src.data.mkdir(parents=True)
    (src.data / "big.log").write_bytes(text(3 * MIB + 5))  # chunked frames
    (src.data / "rand.bin").write_bytes(os.urandom(300_000))  # sent raw: zstd cannot win
    for i in range(30):  # a batch of small files, one compressed frame
        (src.data / f"s{i}.txt").write_bytes(text(2000 + i, seed=i))
    s = connect(src, tgt, 3, "zstd")
    mirrored(s)
    assert tree(tgt.data) == tree(src.data)
    st = s.stats(SET)
    raw = 3 * MIB + 5 + 300_000 + sum(2000 + i for i in range(30))
    assert st.bytes_sent == raw
    assert st.bytes_sent_compressed < 300_000 + (3 * MIB) // 2  # the text shrank
    assert seen and set(seen) == {"zstd"}
    # a block delta of the replicated file travels zstd-compressed too
    with open(src.data / "big.log", "r+b") as fh:
        fh.seek(2 * MIB)
        fh.write(text(4096, seed=99))
    want = (src.data / "big.log").read_bytes()
    wait_for(lambda: (tgt.data / "big.log").read_bytes() == want, 20, "the delta applied")
    assert tree(tgt.data) == tree(src.data)


def test_zlib_stays_the_default_method(pair) -> None:
    src, tgt = pair
    src.data.mkdir(parents=True)
    (src.data / "a.txt").write_bytes(text(MIB))
    s, t = src.client(), tgt.client()
    s.create_set(SET, RULES)
    t.accept(SET, "tok")
    s.connect(SET, tgt.ip, PORT, "tok", mirror_type="full", compression=6, replicate=False)
    mirrored(s)
    assert tree(tgt.data) == tree(src.data)
    assert s.stats(SET).bytes_sent_compressed < MIB // 2


def test_an_unknown_method_is_refused_by_the_api(pair) -> None:
    src, tgt = pair
    s = src.client()
    s.create_set(SET, RULES)
    with pytest.raises(AppmgrError, match="compression method 'lz4' is not one this engine"):
        s.connect(SET, tgt.ip, PORT, "tok", compression=1, codec="lz4")


def test_a_target_without_zstd_is_refused_naming_it(pair, monkeypatch) -> None:
    """The source learns from the challenge that the target cannot inflate zstd: the
    connection is refused with a sentence naming the method, nothing is sent."""
    src, tgt = pair
    plain = handshake.challenge

    def zlib_only(nonce: bytes, engine: str) -> dict[str, object]:
        return {**plain(nonce, engine), "codecs": ["zlib"]}

    monkeypatch.setattr(handshake, "challenge", zlib_only)
    src.data.mkdir(parents=True)
    (src.data / "a.txt").write_bytes(text(10_000))
    s = connect(src, tgt, 3, "zstd", replicate=False)
    wait_for(lambda: "cannot decompress zstd" in s.stats(SET).last_error, 10, "the refusal")
    assert "offers zlib" in s.stats(SET).last_error
    assert not (tgt.data / "a.txt").exists()


# --- bounded inflating ---------------------------------------------------------------
def zstd_frame(data: bytes, declared: int | None = None) -> bytes:
    frame = bytearray(zstandard.ZstdCompressor(level=3).compress(data))
    if declared is not None:  # a 4-byte content size right after the header byte
        assert frame[4] & 0xC0 == 0x80 and frame[4] & 0x20
        frame[5:9] = struct.pack("<I", declared)
    return bytes(frame)


def test_zstd_inflates_within_its_bound() -> None:
    assert protocol.inflate(zstd_frame(b"x" * 100_000), MIB, 100_000, "zstd") == b"x" * 100_000
    bomb = zstd_frame(b"\0" * (256 * MIB))
    assert len(bomb) < 100_000
    with pytest.raises(protocol.FrameError, match=f"beyond the {MIB} bytes allowed"):
        protocol.inflate(bomb, 16 * MIB, MIB, "zstd")  # refused before inflating a byte
    liar = zstd_frame(b"\0" * MIB, declared=1000)  # says 1000 bytes, holds 1 MiB
    with pytest.raises(protocol.FrameError, match="corrupt"):
        protocol.inflate(liar, MIB, 1000, "zstd")
    with pytest.raises(protocol.FrameError, match="corrupt or truncated"):
        protocol.inflate(zstd_frame(os.urandom(5000))[:-10], MIB, 5000, "zstd")
    streamed = zstandard.ZstdCompressor().compressobj()
    unsized = streamed.compress(b"y" * 1000) + streamed.flush()
    with pytest.raises(protocol.FrameError, match="does not declare its size"):
        protocol.inflate(unsized, MIB, 1000, "zstd")
    with pytest.raises(protocol.FrameError, match="corrupt"):
        protocol.inflate(zlib.compress(b"zlib is not zstd"), MIB, 16, "zstd")
    with pytest.raises(protocol.FrameError, match="unknown compression method"):
        protocol.inflate(b"x", MIB, 1, "lz4")


def test_wire_flag_keeps_protocol_4s_zlib_frames() -> None:
    assert codec.wire_flag("zlib") is True and codec.wire_name({"z": True}) == "zlib"
    assert codec.wire_flag("zstd") == "zstd" and codec.wire_name({"z": "zstd"}) == "zstd"
    assert codec.wire_name({"z": False}) is None and codec.wire_name({}) is None


def test_a_zstd_bomb_drops_the_channel(tmp_path: Path) -> None:
    """Over a real data channel: a chunk claiming 1 MiB whose zstd frame holds 256 MiB."""
    from .test_engine_security import Engine, closed, open_data_channel

    tgt = Engine(tmp_path, "FS02", 11)
    try:
        tgt.server.client().accept("secure", "tok")
        with open_data_channel(tgt.ip, "tok") as sock:
            protocol.send_frame_sync(sock, {"op": "file", "path": "E:\\Shares\\Data\\b.bin",
                                            "size": MIB, "mtime_ns": 0, "chunked": True,
                                            "seq": 1})
            protocol.send_frame_sync(sock, {"op": "chunk", "raw": MIB, "z": "zstd"},
                                     zstd_frame(b"\0" * (256 * MIB)))
            reply, _ = protocol.recv_frame_sync(sock)
            assert reply["op"] == "error" and "inflates beyond" in reply["message"]
            assert closed(sock)
        assert not (tgt.server.data / "b.bin").exists()
        assert tgt.serves()
    finally:
        tgt.stop()


def test_the_target_refuses_a_method_it_does_not_offer(tmp_path: Path) -> None:
    from .test_engine_security import Engine, identity, tls_socket

    tgt = Engine(tmp_path, "FS02", 12)
    try:
        tgt.server.client().accept("secure", "tok")
        with tls_socket(tgt.ip, identity(tls.ROLE_ENGINE)) as sock:
            chal, _ = protocol.recv_frame_sync(sock)
            assert chal["codecs"] == ["zlib", "zstd"]
            key = auth.token_key("tok")
            protocol.send_frame_sync(sock, handshake.data_hello(chal, "secure", key, "lz4"))
            reply, _ = protocol.recv_frame_sync(sock)
        assert reply["op"] == "denied"
        assert "cannot decompress lz4 (it offers zlib, zstd)" in reply["message"]
        assert tgt.serves()
    finally:
        tgt.stop()


def test_an_engine_state_file_from_before_the_method_reads_as_zlib(tmp_path: Path) -> None:
    """engine.json of protocol 4 (format 1): its connections name no method; zlib it was."""
    from core.engine.replicator import ConnSpec
    from core.engine.state import StateStore

    old = {"format": 1, "sets": {}, "accepts": {}, "monitors": {}, "connections": {
        SET: {"target": "127.0.41.2", "port": 7000, "key": "ab" * 32, "mirror_type": "checksum",
              "compression": 6, "replicate": True, "delete_orphans": False}}}
    (tmp_path / "engine.json").write_text(json.dumps(old))
    (spec,) = (ConnSpec(**v) for v in StateStore(tmp_path).load()["connections"].values())
    assert (spec.compression, spec.codec) == (6, "zlib")
    assert ConnSpec(**spec.to_dict()) == spec  # and it is written back with its method
    assert spec.to_dict()["codec"] == "zlib"
