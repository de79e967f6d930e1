"""What the target holds, per file: the leaf digests of what was sent (source side).

Block-delta replication (:mod:`core.engine.delta`) compares a modified file's
leaf digests (:mod:`core.engine.blocks`) with the entry of what the target
acknowledged, and sends only the leaves that differ. An entry is written only
from facts: the bytes this engine sent (hashed as they were read) and, in a
checksum mirror, the target's own block digests. Whatever may make an entry
wrong removes it instead: a whole file sent without hashing, a delete, a
broken channel (the re-mirror that follows clears the index, see
:meth:`BlockIndex.clear`).

Layout: ``DIR/<set>/<blake2b of the path>.bi``, one file per entry, written
atomically: a JSON header line ``{"format": 1, "path", "size", "leaf",
"digest", "check"}`` then the leaf digests. An entry that does not parse,
has another format or fails its check is treated as missing (the file is
then sent whole, which writes a new entry): never trusted. Sizes: 8 bytes
per 4 KiB, i.e. 2 MiB per GiB of protected file (0.2 %). Files smaller than
:data:`MIN_SIZE` get no entry (a whole send costs little more than a delta).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from core.engine import blocks

log = logging.getLogger(__name__)
FORMAT = 1
SUFFIX = ".bi"
#: files below this size are always sent whole (no entry)
MIN_SIZE = 128 * 1024


@dataclass(frozen=True)
class Entry:
    size: int
    leaves: bytes


def _check(path: str, size: int, leaves: bytes) -> str:
    h = hashlib.blake2b(leaves, digest_size=16)
    h.update(f"{path}\0{size}".encode())
    return h.hexdigest()


class BlockIndex:
    """The entries of one replication set, under ``root`` (``DIR/<set>``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: path -> entry file name; the digests stay on disk until needed
        self._names: dict[str, str] = {}
        #: bumped by clear(): a hashing thread of a mirror that failed meanwhile puts
        #: nothing into the next mirror's index (see put's ``generation``)
        self.generation = 0
        self._lock = threading.Lock()  # a put's check and write against clear()
        self._load_names()

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, win: str) -> bool:
        return win in self._names

    @staticmethod
    def _name(win: str) -> str:
        return hashlib.blake2b(win.encode("utf-8"), digest_size=16).hexdigest() + SUFFIX

    def _load_names(self) -> None:
        if not self.root.is_dir():
            return
        for p in self.root.iterdir():
            if p.suffix != SUFFIX:
                if p.name.startswith("."):  # a write a crash interrupted
                    p.unlink(missing_ok=True)
                continue
            head = _header(p)
            if head is None or self._name(str(head["path"])) != p.name:
                log.warning("block index %s: ignoring unreadable entry %s", self.root, p.name)
                p.unlink(missing_ok=True)
                continue
            self._names[str(head["path"])] = p.name

    # --- reading and writing (worker threads: an entry may be megabytes) ---------------
    def get(self, win: str) -> Entry | None:
        """The entry of ``win``, or None (missing, unreadable, another format)."""
        name = self._names.get(win)
        if name is None:
            return None
        try:
            raw = (self.root / name).read_bytes()
        except OSError:
            return None
        entry = _parse(raw, win)
        if entry is None:
            log.warning("block index %s: entry of %s is corrupt: file sent whole",
                        self.root, win)
        return entry

    def put(self, win: str, size: int, leaves: bytes, generation: int | None = None) -> None:
        """Record what the target holds of ``win``; nothing when ``generation`` (the
        caller's, taken when it started) is no longer the index's."""
        if len(leaves) != -(-size // blocks.LEAF) * blocks.LEAF_DIGEST:
            raise ValueError(f"{len(leaves)} bytes of digests do not describe {size} bytes")
        head = {"format": FORMAT, "path": win, "size": size, "leaf": blocks.LEAF,
                "digest": blocks.LEAF_DIGEST, "check": _check(win, size, leaves)}
        name = self._name(win)
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            _write(self.root / name, json.dumps(head).encode("utf-8") + b"\n" + leaves)
            self._names[win] = name

    # --- forgetting (cheap: on the event loop) ------------------------------------------
    def drop(self, win: str) -> None:
        """Forget ``win`` and everything below it (a file, or a directory)."""
        for p in self._under(win):
            name = self._names.pop(p)
            with contextlib.suppress(OSError):
                (self.root / name).unlink()

    def take(self, win: str) -> dict[str, Entry]:
        """Remove and return the entries at and below ``win`` (before it is renamed:
        they are put back under the new name with :meth:`place` once it was)."""
        out = {p: e for p in self._under(win) if (e := self.get(p)) is not None}
        self.drop(win)
        return out

    def place(self, entries: dict[str, Entry], old: str, new: str) -> None:
        """``old`` was renamed to ``new`` on the target: its ``entries`` (from
        :meth:`take`) follow; what ``new`` held before is gone there."""
        self.drop(new)
        for p, e in entries.items():
            self.put(new + p[len(old):], e.size, e.leaves)

    def clear(self) -> None:
        """Forget every entry (a re-mirror rebuilds them from facts)."""
        with self._lock:
            self.generation += 1
            self._names.clear()
            shutil.rmtree(self.root, ignore_errors=True)

    def _under(self, win: str) -> list[str]:
        pre = win.rstrip("\\") + "\\"
        return [p for p in self._names if p == win or p.startswith(pre)]


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically, without fsync: after a crash the engine starts
    with a re-mirror, which clears the index anyway (never trusted across one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _header(p: Path) -> dict[str, object] | None:
    try:
        with open(p, "rb") as fh:
            line = fh.readline(4096)
        head = json.loads(line)
    except (OSError, ValueError):
        return None
    if not isinstance(head, dict) or head.get("format") != FORMAT or "path" not in head:
        return None
    return head


def _parse(raw: bytes, win: str) -> Entry | None:
    line, sep, leaves = raw.partition(b"\n")
    try:
        head = json.loads(line)
    except ValueError:
        return None
    if (not sep or not isinstance(head, dict) or head.get("format") != FORMAT
            or head.get("path") != win or head.get("leaf") != blocks.LEAF
            or head.get("digest") != blocks.LEAF_DIGEST):
        return None
    size = head.get("size")
    if not isinstance(size, int) or head.get("check") != _check(win, size, leaves):
        return None
    if len(leaves) != -(-size // blocks.LEAF) * blocks.LEAF_DIGEST:
        return None
    return Entry(size, leaves)
