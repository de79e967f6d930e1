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
"""

from __future__ import annotations

import selectors
import time
from collections import deque
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

from core.engine.client import Broken, EngineClient
from core.errors import AppmgrError

#: requests in flight at once (sockets waited on by one select)
WINDOW = 256

Call = tuple[EngineClient, str, dict[str, Any]]


def sweep(calls: Sequence[Call], timeout: float, window: int = WINDOW
          ) -> list[Any | AppmgrError]:
    """Each call's result or typed error, in ``calls``' order."""
    out: list[Any | AppmgrError] = [None] * len(calls)
    queues: dict[int, deque[int]] = {}
    for i, (client, _op, _args) in enumerate(calls):
        queues.setdefault(id(client), deque()).append(i)
    retry: list[int] = []
    with ExitStack() as held:
        for key in sorted(queues):  # one lock per engine, in one order
            held.enter_context(calls[queues[key][0]][0].lock)
        _run(calls, queues, out, retry, timeout, max(1, window))
    for i in retry:  # outside the locks: call() takes its client's own
        client, op, args = calls[i]
        try:
            out[i] = client.call(op, **args)
        except AppmgrError as err:
            out[i] = err
    return out


def _run(calls: Sequence[Call], queues: dict[int, deque[int]], out: list[Any],
         retry: list[int], timeout: float, window: int) -> None:
    sel = selectors.DefaultSelector()
    waiting: deque[int] = deque(queues)  # engines with a request to send
    fresh: dict[int, bool] = {}
    socks: dict[int, Any] = {}  # engine -> its registered socket
    sent: dict[int, float] = {}  # engine -> when its request in flight was sent
    order: deque[tuple[float, int]] = deque()  # (sent at, engine), oldest first
    try:
        while waiting or sent:
            while waiting and len(sent) < window:
                engine = waiting.popleft()
                if _send(calls, queues, engine, sel, out, fresh, socks):
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
            for key, _ in sel.select(left):
                engine = int(key.data)
                if engine not in sent:  # it closed a connection it was not asked on
                    sel.unregister(socks.pop(engine))
                    continue
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
                    sel.unregister(socks.pop(engine))
                if queues[engine]:
                    waiting.append(engine)
    finally:
        sel.close()


def _expire(calls: Sequence[Call], queues: dict[int, deque[int]], out: list[Any],
            engine: int, sel: selectors.BaseSelector, socks: dict[int, Any],
            sent: dict[int, float]) -> None:
    """No answer in time: this request and what else the engine was to be asked are
    Unreachable (its connection is dropped)."""
    del sent[engine]
    sel.unregister(socks.pop(engine))
    while queues[engine]:
        i = queues[engine].popleft()
        out[i] = calls[i][0].silent()


def _send(calls: Sequence[Call], queues: dict[int, deque[int]], engine: int,
          sel: selectors.BaseSelector, out: list[Any], fresh: dict[int, bool],
          socks: dict[int, Any]) -> bool:
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
        if socks.get(engine) is not sock:  # watched once per connection, not per request
            if engine in socks:
                sel.unregister(socks[engine])
            sel.register(sock, selectors.EVENT_READ, engine)
            socks[engine] = sock
        return True
    return False
