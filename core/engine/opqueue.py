"""The replication queue: ordered ops, bounded memory, overflow spilled to disk.

At most ``mem_limit`` ops live in memory. Once that is reached, new ops are
appended to a JSON-lines spill file and stay there until the in-memory part
has drained; then they are loaded back in slices. FIFO order holds throughout.
The head is read with :meth:`head` and removed with :meth:`pop` only after
the target acknowledged it, so a broken channel loses nothing.

It also keeps what status needs to judge it: the bytes its ops will send
(an op's ``size``, taken when queued) and since when it has been non-empty.
A write of a file the target holds block digests of goes out as a delta
whose size is known only once the file is hashed, at send time: queued, its
``size`` is the whole file's and the op says ``upto`` (:attr:`OpQueue.upto`
sums those bounds); hashed, :meth:`OpQueue.known` puts the delta's bytes in.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Op = dict[str, Any]


class OpQueue:
    def __init__(self, spill_path: Path, mem_limit: int = 10_000,
                 now: Callable[[], float] = time.time) -> None:
        self.spill_path = spill_path
        self.mem_limit = max(1, mem_limit)
        self._mem: deque[Op] = deque()
        self._spilled = 0  # ops in the file not yet loaded
        self._offset = 0  # read position in the spill file
        self._out: Any = None
        self._seq = 0
        self._tail: Op | None = None
        self._event = asyncio.Event()
        self._now = now
        #: bytes the queued ops will send (their ``size`` when queued)
        self.bytes = 0
        #: the part of :attr:`bytes` that is only an upper bound (deltas not hashed yet)
        self.upto = 0
        #: ops at the head already sent and awaiting their acks (never merged into)
        self.sending = 0
        #: epoch seconds the queue became non-empty; None while empty
        self.since: float | None = None
        self.spill_path.unlink(missing_ok=True)

    def __len__(self) -> int:
        return len(self._mem) + self._spilled

    @property
    def spilled(self) -> int:
        return self._spilled

    def push(self, op: Op) -> None:
        """Append an op; a write of the path already written by the op at the
        tail (not one being sent: the head, or any of the first :attr:`sending`) is
        dropped: the content is read at send time."""
        if (
            op.get("kind") == "write"
            and len(self) >= max(2, self.sending + 1)
            and self._tail is not None
            and self._tail.get("kind") == "write"
            and self._tail.get("path") == op.get("path")
        ):
            # the write already queued sends the current content: keep its size current
            # (the tail of a spill file cannot be rewritten; its size stays as queued)
            if self._spilled == 0:
                new = int(op.get("size", 0))
                self._resize(self._tail, new, bool(self._tail.get("upto")))
            return
        if not len(self):
            self.since = self._now()
        self.bytes += int(op.get("size", 0))
        if op.get("upto"):
            self.upto += int(op.get("size", 0))
        self._seq += 1
        op = {**op, "seq": self._seq}
        if self._spilled == 0 and len(self._mem) < self.mem_limit:
            self._mem.append(op)
        else:
            if self._out is None:
                self.spill_path.parent.mkdir(parents=True, exist_ok=True)
                self._out = open(self.spill_path, "a", encoding="utf-8")  # noqa: SIM115
            self._out.write(json.dumps(op) + "\n")
            self._out.flush()
            self._spilled += 1
        self._tail = op
        self._event.set()

    def head(self) -> Op | None:
        if not self._mem and self._spilled:
            self._load()
        return self._mem[0] if self._mem else None

    def at(self, i: int) -> Op | None:
        """The ``i``-th op from the head (0: :meth:`head`); None past what is in
        memory (the rest is read back once the head drains)."""
        if i == 0:
            return self.head()
        return self._mem[i] if i < len(self._mem) else None

    def pop(self) -> None:
        if self._mem:
            op = self._mem.popleft()
            self.bytes -= int(op.get("size", 0))
            self.upto -= int(op.get("size", 0)) if op.get("upto") else 0
        if not self:
            self._tail = None
            self.bytes, self.upto, self.since = 0, 0, None
            self._event.clear()

    def known(self, op: Op, n: int) -> None:
        """``op`` (queued, being sent) turned out to send ``n`` bytes: its delta is hashed."""
        self._resize(op, n, False)

    def _resize(self, op: Op, n: int, upto: bool) -> None:
        old = int(op.get("size", 0))
        self.bytes += n - old
        self.upto += (n if upto else 0) - (old if op.get("upto") else 0)
        op["size"], op["upto"] = n, upto

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until an op is queued; False on timeout."""
        if len(self):
            return True
        try:
            async with asyncio.timeout(timeout):
                await self._event.wait()
        except TimeoutError:
            return False
        return bool(len(self))

    def take_all(self) -> Iterator[Op]:
        """Remove and yield every queued op, in order."""
        while True:
            op = self.head()
            if op is None:
                return
            self.pop()
            yield op

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self.spill_path.unlink(missing_ok=True)

    def _load(self) -> None:
        assert self._out is not None
        self._out.flush()
        with open(self.spill_path, encoding="utf-8") as fh:
            fh.seek(self._offset)
            while self._spilled and len(self._mem) < self.mem_limit:
                line = fh.readline()
                if not line:
                    break
                self._mem.append(json.loads(line))
                self._spilled -= 1
            self._offset = fh.tell()
        if self._spilled == 0:
            # Everything was read back: start the next spill from an empty file.
            self._out.close()
            self._out = None
            self._offset = 0
            os.unlink(self.spill_path)
