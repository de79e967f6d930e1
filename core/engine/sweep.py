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
    sent: dict[int, float] = {}  # engine -> when its request in flight was sent
    try:
        while waiting or sent:
            while waiting and len(sent) < window:
                engine = waiting.popleft()
                if _send(calls, queues, engine, sel, out, fresh):
                    sent[engine] = time.monotonic()
            if not sent:
                continue
            now = time.monotonic()
            for engine in [e for e, at in sent.items() if at + timeout <= now]:
                # no answer in time: it and what else it was to be asked are Unreachable
                sel.unregister(_sock_of(sel, engine))
                del sent[engine]
                while queues[engine]:
                    i = queues[engine].popleft()
                    out[i] = calls[i][0].silent()
            if not sent:
                continue
            left = min(sent.values()) + timeout - time.monotonic()
            for key, _ in sel.select(max(0.0, left)):
                engine = int(key.data)
                sel.unregister(key.fileobj)
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
                if queues[engine]:
                    waiting.append(engine)
    finally:
        sel.close()


def _sock_of(sel: selectors.BaseSelector, engine: int) -> Any:
    return next(k.fileobj for k in sel.get_map().values() if k.data == engine)


def _send(calls: Sequence[Call], queues: dict[int, deque[int]], engine: int,
          sel: selectors.BaseSelector, out: list[Any], fresh: dict[int, bool]) -> bool:
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
        sel.register(sock, selectors.EVENT_READ, engine)
        return True
    return False
