"""Many engines asked at once by one thread: the dashboard's poll of every pair.

A thread per request costs more CPU than the request (a wake-up and a turn of the
GIL per reply); a thousand engines asked once a second made that most of the
console's load. Here one thread sends each request on its engine's kept connection
and reads each reply as it arrives (``selectors``): at most ``window`` requests
are in flight at once, each engine answers its own requests in turn, and each
request is bounded by ``timeout`` — an engine that has not answered by then is
``Unreachable``, as a plain call would say.

A kept connection that turns out to be closed (the engine restarted) is asked
again once on a fresh one after the sweep, as :meth:`EngineClient.call` does.

A :class:`Sweeper` keeps its selector between sweeps (the dashboard's poll, once a
second): each kept connection is registered once, not once per poll — registering a
thousand sockets a second was a tenth of the sweep's CPU.
"""

from __future__ import annotations

import selectors
import threading
import time
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from core.engine.client import Broken, EngineClient
from core.errors import AppmgrError

#: requests in flight at once (sockets waited on by one select): a poll of 500 pairs
#: sends its thousand at once (a burst of sends costs less per send than sends
#: between reads: ~10 % of the sweep's CPU)
WINDOW = 1024
#: with many replies awaited and only a few ready, the sweep waits this long before
#: looking again, so that one wake-up reads many replies: an engine answers a reply in
#: tens of microseconds, and a wake-up per reply cost more CPU than reading it. A
#: poll of a thousand engines takes a few of these naps longer (milliseconds)
GATHER = 0.002
#: "many" and "a few" above
GATHER_AWAITED, GATHER_READY = 32, 8

Call = tuple[EngineClient, str, dict[str, Any]]


class Sweeper:
    """Sweeps over kept connections, one after another (never two at once): the
    sockets stay registered with one selector between sweeps."""

    def __init__(self) -> None:
        self._sel = selectors.DefaultSelector()
        self._lock = threading.Lock()

    def sweep(self, calls: Sequence[Call], timeout: float, window: int = WINDOW
              ) -> list[Any | AppmgrError]:
        """Each call's result or typed error, in ``calls``' order."""
        out: list[Any | AppmgrError] = [None] * len(calls)
        queues: dict[int, deque[int]] = {}
        for i, (client, _op, _args) in enumerate(calls):
            queues.setdefault(id(client), deque()).append(i)
        retry: list[int] = []
        locks = [calls[queues[key][0]][0].lock for key in sorted(queues)]
        with self._lock:
            held: list[threading.Lock] = []
            try:
                for lock in locks:  # one lock per engine, in one order
                    lock.acquire()
                    held.append(lock)
                _run(calls, queues, out, retry, timeout, max(1, window), self._sel)
            finally:
                for lock in held:
                    lock.release()
        for i in retry:  # outside the locks: call() takes its client's own
            client, op, args = calls[i]
            try:
                out[i] = client.call(op, **args)
            except AppmgrError as err:
                out[i] = err
        return out

    def close(self) -> None:
        with self._lock:
            self._sel.close()


def sweep(calls: Sequence[Call], timeout: float, window: int = WINDOW
          ) -> list[Any | AppmgrError]:
    """Each call's result or typed error, in ``calls``' order (a selector of its own)."""
    once = Sweeper()
    try:
        return once.sweep(calls, timeout, window)
    finally:
        once.close()


def _watch(sel: selectors.BaseSelector, sock: Any) -> None:
    """Have ``sel`` watch ``sock`` (once per connection). A number the selector still
    holds for a connection closed since is freed first (the system reuses numbers)."""
    try:
        key = sel.get_key(sock)
    except KeyError:
        key = None
    if key is not None and key.fileobj is sock:
        return
    stale = sel.get_map().get(sock.fileno())
    if stale is not None:
        sel.unregister(stale.fileobj)
    sel.register(sock, selectors.EVENT_READ)


def _forget(sel: selectors.BaseSelector, sock: Any) -> None:
    with suppress(KeyError, ValueError):  # not watched (any more)
        sel.unregister(sock)


def _run(calls: Sequence[Call], queues: dict[int, deque[int]], out: list[Any],
         retry: list[int], timeout: float, window: int, sel: selectors.BaseSelector) -> None:
    waiting: deque[int] = deque(queues)  # engines with a request to send
    fresh: dict[int, bool] = {}
    socks: dict[int, Any] = {}  # engine -> its socket in this sweep
    owner: dict[Any, int] = {}  # socket -> its engine in this sweep
    sent: dict[int, float] = {}  # engine -> when its request in flight was sent
    order: deque[tuple[float, int]] = deque()  # (sent at, engine), oldest first
    while waiting or sent:
        while waiting and len(sent) < window:
            engine = waiting.popleft()
            if _send(calls, queues, engine, sel, out, fresh, socks, owner):
                at = time.monotonic()
                sent[engine] = at
                order.append((at, engine))
        while order and sent.get(order[0][1]) != order[0][0]:
            order.popleft()  # answered already
        if not order:
            continue
        left = order[0][0] + timeout - time.monotonic()
        if left <= 0:  # the oldest unanswered request timed out
            _expire(calls, queues, out, order.popleft()[1], sel, socks, sent)
            continue
        ready = sel.select(left)
        for key, _ in ready:
            engine_or_none = owner.get(key.fileobj)
            if engine_or_none is None or engine_or_none not in sent:
                # readable while not asked: the engine closed a kept connection (or
                # a late byte); dropped from the watch, the client finds out on use
                # (watched again if it is asked again in this sweep)
                _forget(sel, key.fileobj)
                if engine_or_none is not None:
                    del owner[key.fileobj]
                    socks.pop(engine_or_none, None)
                continue
            engine = engine_or_none
            del sent[engine]
            i = queues[engine].popleft()
            client, op, _args = calls[i]
            try:
                out[i] = client.receive(op)
            except Broken as err:
                if fresh[engine]:
                    out[i] = err
                else:
                    retry.append(i)  # a stale kept connection: once more, fresh
            except AppmgrError as err:
                out[i] = err
            if client.sock is not socks[engine]:  # dropped: no longer ours to watch
                _forget(sel, socks.pop(engine))
            if queues[engine]:
                waiting.append(engine)
        if len(ready) < GATHER_READY and len(sent) >= GATHER_AWAITED:
            time.sleep(GATHER)


def _expire(calls: Sequence[Call], queues: dict[int, deque[int]], out: list[Any],
            engine: int, sel: selectors.BaseSelector, socks: dict[int, Any],
            sent: dict[int, float]) -> None:
    """No answer in time: this request and what else the engine was to be asked are
    Unreachable (its connection is dropped)."""
    del sent[engine]
    _forget(sel, socks.pop(engine))
    while queues[engine]:
        i = queues[engine].popleft()
        out[i] = calls[i][0].silent()


def _send(calls: Sequence[Call], queues: dict[int, deque[int]], engine: int,
          sel: selectors.BaseSelector, out: list[Any], fresh: dict[int, bool],
          socks: dict[int, Any], owner: dict[Any, int]) -> bool:
    """Send the engine's next request (True); one that cannot be sent is answered now
    with its error, and the next one tried (False when none is left)."""
    while queues[engine]:
        i = queues[engine][0]
        client, op, args = calls[i]
        try:
            sock, fresh[engine] = client.send(op, args)
        except AppmgrError as err:
            out[i] = err
            queues[engine].popleft()
            continue
        if socks.get(engine) is not sock:
            if engine in socks:
                _forget(sel, socks[engine])
            _watch(sel, sock)
            socks[engine] = sock
            owner[sock] = engine
        return True
    return False
