"""The queue's byte figure while a block delta waits: an upper bound until the file
is hashed, then the changed bytes (issue 9: it counted whole files).

Two real engines in-process; gates hold the source's hashing and the target's ack
so the queue can be read at each stage (states waited for, never times)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, cast

from core.engine import delta
from core.model.stats import JobStats
from core.protection.health import queued_text

from .harness import wait_for
from .test_engine_delta import LEAF, MIB, big_file, patch, synced
from .test_engine_mirror import SET, protect

GATE_TIMEOUT = 30.0  # a gate never left open would otherwise hold the engine for ever


def gated(fn: Callable[..., Any], gate: threading.Event, is_async: bool) -> Callable[..., Any]:
    if not is_async:
        def wait_then(*a: Any, **k: Any) -> Any:  # runs in a worker thread
            gate.wait(GATE_TIMEOUT)
            return fn(*a, **k)
        return wait_then

    async def await_then(*a: Any, **k: Any) -> Any:
        await asyncio.to_thread(gate.wait, GATE_TIMEOUT)
        return await fn(*a, **k)
    return await_then


def test_a_one_leaf_change_to_a_large_file_is_queued_as_its_delta(pair, monkeypatch) -> None:
    src, tgt = pair
    p = big_file(src, size=8 * MIB)
    s, _ = protect(src, tgt, "checksum", replicate=True)
    synced(s, src, tgt, "big.bin")
    hashed, acked = threading.Event(), threading.Event()
    monkeypatch.setattr(delta, "leaves_of", gated(delta.leaves_of, hashed, False))
    monkeypatch.setattr(delta, "landed", gated(delta.landed, acked, True))
    try:
        patch(p, 5 * MIB + 1234, b"\x01")
        # queued, not hashed yet: the whole size, said to be a bound
        st = cast(JobStats, wait_for(lambda: (x := s.stats(SET)).queued_ops == 1 and x, 10,
                                     "the op queued"))
        assert (st.queued_bytes, st.queued_bytes_upto) == (8 * MIB, 8 * MIB)
        assert queued_text(st) == "up to 8.0 MB"
        assert (st.bytes_remaining, st.bytes_remaining_upto) == (8 * MIB, 8 * MIB)
        hashed.set()
        # hashed, its ack held: the one leaf that differs is all that is queued
        st = cast(JobStats, wait_for(lambda: (x := s.stats(SET)).queued_bytes_upto == 0 and x,
                                     10, "the delta known"))
        assert st.queued_ops == 1 and st.queued_bytes == LEAF and st.bytes_remaining == LEAF
        assert st.bytes_remaining_upto == 0
        assert queued_text(st) == "4.0 KB"
    finally:
        hashed.set()
        acked.set()
    synced(s, src, tgt, "big.bin")
    st = s.stats(SET)
    assert (st.queued_bytes, st.queued_bytes_upto) == (0, 0)

