"""The target's end of a data channel: applies the source's frames in order.

Every path is checked against the set's rules (sent by the source in
``begin``) and mapped through this server's volumes; anything outside the
set, or on a volume this server lacks, ends the channel with an error frame
whose message says why. Whole files are written to a temporary name and
renamed into place; block patches are written in place. Copies carry the
source's modification time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import shutil
import zlib
from collections.abc import Callable
from typing import Any

from core.engine import blocks, protocol
from core.engine.rules import RuleMatcher
from core.engine.scan import TMP_PREFIX, scan
from core.engine.volumes import VolumeError, VolumeMap
from core.model.rules import Rule

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A frame the target will not apply (message goes back to the source)."""


class Receiver:
    def __init__(
        self, name: str, volumes: VolumeMap, reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter, on_rules: Callable[[list[Rule]], None] | None = None,
    ) -> None:
        self.name = name
        self.volumes = volumes
        self.reader = reader
        self.writer = writer
        self.on_rules = on_rules
        self.matcher = RuleMatcher([])
        self.rules: list[Rule] = []
        self.bytes_received = 0

    async def run(self) -> None:
        try:
            while True:
                header, plen = await protocol.read_header(self.reader)
                op = str(header.get("op"))
                handler = getattr(self, "_op_" + op, None)
                if handler is None:
                    raise Rejected(f"unknown data channel operation {op!r}")
                await handler(header, plen)
                if "ack" in header and op != "rename":
                    await protocol.write_frame(self.writer, {"op": "ack", "ack": header["ack"]})
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except (Rejected, VolumeError, OSError, ValueError, protocol.FrameError) as exc:
            log.warning("data channel %s: %s", self.name, exc)
            with contextlib.suppress(ConnectionError):
                await protocol.write_frame(self.writer, {"op": "error", "message": str(exc)})

    # --- helpers -----------------------------------------------------------------
    def _local(self, win: str) -> str:
        if not self.matcher.includes(win):
            raise Rejected(f"{win} is outside replication set {self.name}")
        return os.fspath(self.volumes.to_local(win))

    async def _drop_payload(self, plen: int) -> None:
        await protocol.copy_payload(self.reader, plen, None)

    @staticmethod
    def _make_room(local: str, want_dir: bool) -> None:
        """Clear a path of the wrong type (a file where a directory goes, or back)."""
        if os.path.isdir(local) and not os.path.islink(local) and not want_dir:
            shutil.rmtree(local)
        elif os.path.lexists(local) and (want_dir != os.path.isdir(local)):
            os.unlink(local)

    async def _chunked(self) -> bytes:
        header, payload = await protocol.read_frame(self.reader)
        if header.get("op") not in ("chunk", "block"):
            raise Rejected("expected a data chunk")
        data = zlib.decompress(payload) if header.get("z") else payload
        if len(data) != int(header.get("raw", len(data))):
            raise Rejected("a data chunk has the wrong length")
        self.bytes_received += len(payload)
        return data

    # --- operations ----------------------------------------------------------------
    async def _op_begin(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        self.rules = [Rule.from_dict(d) for d in h.get("rules", [])]
        self.matcher = RuleMatcher(self.rules)
        for root in self.matcher.roots():
            self.volumes.to_local(root)  # a missing volume fails here, readably
        if self.on_rules:
            self.on_rules(self.rules)
        await protocol.write_frame(self.writer, {"op": "ready"})

    async def _op_list(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        rows = await asyncio.to_thread(
            lambda: [[e.win, e.is_dir, e.size, e.mtime_ns] for e in scan(self.matcher, self.volumes)]
        )
        payload = zlib.compress(json.dumps(rows).encode("utf-8"), 1)
        await protocol.write_frame(self.writer, {"op": "listing", "count": len(rows)}, payload)

    async def _op_ping(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)

    async def _op_mirror_end(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        await protocol.write_frame(self.writer, {"op": "mirror_done"})

    async def _op_mkdir(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        local = self._local(str(h["path"]))
        self._make_room(local, want_dir=True)
        os.makedirs(local, exist_ok=True)

    async def _op_delete(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        local = self._local(str(h["path"]))
        if os.path.isdir(local) and not os.path.islink(local):
            shutil.rmtree(local, ignore_errors=True)
        elif os.path.lexists(local):
            os.unlink(local)

    async def _op_file(self, h: dict[str, Any], plen: int) -> None:
        local = self._local(str(h["path"]))
        size, mtime = int(h["size"]), int(h["mtime_ns"])
        parent, base = os.path.split(local)
        os.makedirs(parent, exist_ok=True)
        self._make_room(local, want_dir=False)
        tmp = os.path.join(parent, f"{TMP_PREFIX}{secrets.token_hex(4)}.{base}")
        try:
            with open(tmp, "wb") as out:
                if h.get("chunked"):
                    await self._drop_payload(plen)
                    got = 0
                    while got < size:
                        data = await self._chunked()
                        out.write(data)
                        got += len(data)
                else:
                    await protocol.copy_payload(self.reader, plen, out)
                    self.bytes_received += plen
            os.utime(tmp, ns=(mtime, mtime))
            os.replace(tmp, local)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    async def _op_sums(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        local = self._local(str(h["path"]))
        block = int(h.get("block", blocks.BLOCK))
        sums = await asyncio.to_thread(blocks.file_sums, local, block)
        await protocol.write_frame(self.writer, {"op": "sums", "block": block}, sums)

    async def _op_block(self, h: dict[str, Any], plen: int) -> None:
        local = self._local(str(h["path"]))
        payload = await protocol.read_payload(self.reader, plen)
        self.bytes_received += plen
        data = zlib.decompress(payload) if h.get("z") else payload
        mode = "r+b" if os.path.isfile(local) else "wb"
        with open(local, mode) as out:
            out.seek(int(h["offset"]))
            out.write(data)

    async def _op_settle(self, h: dict[str, Any], plen: int) -> None:
        await self._drop_payload(plen)
        local = self._local(str(h["path"]))
        mtime = int(h["mtime_ns"])
        with open(local, "r+b") as out:
            out.truncate(int(h["size"]))
        os.utime(local, ns=(mtime, mtime))

    async def _op_rename(self, h: dict[str, Any], plen: int) -> None:
        """Rename, then verify the result against the source's stat; ask for
        the content (``need``) when the old path was missing or differs."""
        await self._drop_payload(plen)
        old, new = self._local(str(h["path"])), self._local(str(h["new"]))
        need = not os.path.lexists(old)
        if not need:
            if os.path.isdir(new) and not os.path.islink(new):
                shutil.rmtree(new)
            os.makedirs(os.path.dirname(new), exist_ok=True)
            os.replace(old, new)
            if h.get("size") is not None:
                st = os.stat(new)
                need = (st.st_size, st.st_mtime_ns) != (h["size"], h["mtime_ns"])
        await protocol.write_frame(self.writer, {"op": "ack", "ack": h.get("ack"), "need": need})
