"""Linux change notification (inotify through ctypes), recursive.

Emits ops with local paths, in the kernel's order:
``mkdir`` / ``write`` / ``delete`` / ``rename`` (``path`` → ``new``) / ``resync``
(the kernel queue overflowed: the caller must re-mirror). Renames pair
MOVED_FROM with the MOVED_TO of the same cookie, which the kernel queues
next to it; a MOVED_FROM whose partner never comes (moved out of the set)
becomes a delete, a lone MOVED_TO (moved in) a creation. Writes are emitted
at close; a file modified but kept open is emitted after ``settle`` seconds
of quiet (databases, logs). New directories are watched at once and scanned
for what was created in them before the watch existed.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import errno
import os
import struct
from collections.abc import Callable

from core.engine.scan import TMP_PREFIX
from core.engine.watcher import Emit

IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x8, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF = 0x100, 0x200, 0x400
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK = 0x01000000, 0x02000000, 0x04000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
MASK = (
    IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
    | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK
)
EVENT = struct.Struct("iIII")


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def available() -> bool:
    try:
        return hasattr(_libc(), "inotify_init1")
    except OSError:
        return False


class InotifyWatcher:
    def __init__(
        self, roots: list[str], wants_dir: Callable[[str], bool], emit: Emit,
        settle: float = 0.5,
    ) -> None:
        self.roots = roots
        self.wants_dir = wants_dir
        self.emit = emit
        self.settle = settle
        self._libc = _libc()
        self._fd = -1
        self._paths: dict[int, str] = {}
        self._wds: dict[str, int] = {}
        self._pending: tuple[int, str, bool] | None = None  # MOVED_FROM awaiting its pair
        self._dirty: dict[str, float] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        for root in self.roots:
            if os.path.isdir(root):
                self._watch_tree(root, emit_contents=False)
        self._loop.add_reader(self._fd, self._readable)
        self._tick()

    async def stop(self) -> None:
        if self._timer:
            self._timer.cancel()
        if self._fd >= 0 and self._loop is not None:
            self._loop.remove_reader(self._fd)
            os.close(self._fd)
        self._fd = -1

    # --- watches -------------------------------------------------------------
    def _watch_tree(self, path: str, emit_contents: bool) -> None:
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(path), MASK)
        if wd < 0:
            if ctypes.get_errno() == errno.ENOSPC:
                self.emit({"kind": "resync", "reason": "inotify watch limit reached"})
            return
        self._paths[wd] = path
        self._wds[path] = wd
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            if e.name.startswith(TMP_PREFIX) or e.is_symlink():
                continue
            if e.is_dir(follow_symlinks=False):
                if emit_contents:
                    self.emit({"kind": "mkdir", "path": e.path})
                if self.wants_dir(e.path):
                    self._watch_tree(e.path, emit_contents)
            elif emit_contents:
                self.emit({"kind": "write", "path": e.path})

    def _under(self, path: str) -> list[str]:
        pre = path + os.sep
        return [p for p in self._wds if p == path or p.startswith(pre)]

    def _unwatch(self, path: str) -> None:
        for p in self._under(path):
            wd = self._wds.pop(p)
            self._paths.pop(wd, None)
            self._libc.inotify_rm_watch(self._fd, wd)

    def _moved(self, old: str, new: str) -> None:
        for p in self._under(old):
            wd = self._wds.pop(p)
            q = new + p[len(old):]
            self._wds[q] = wd
            self._paths[wd] = q

    # --- events --------------------------------------------------------------
    def _readable(self) -> None:
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                return
            pos = 0
            while pos + EVENT.size <= len(data):
                wd, mask, cookie, nlen = EVENT.unpack_from(data, pos)
                raw = data[pos + EVENT.size : pos + EVENT.size + nlen].rstrip(b"\0")
                pos += EVENT.size + nlen
                self._event(wd, mask, cookie, os.fsdecode(raw))
        if self._pending and self._loop:
            # The partner may sit in the next read; decide shortly.
            self._loop.call_later(0.05, self._expire_pending, self._pending)

    def _expire_pending(self, pending: tuple[int, str, bool]) -> None:
        if self._pending is pending:
            self._flush_pending()

    def _flush_pending(self) -> None:
        if self._pending is None:
            return
        _, path, is_dir = self._pending
        self._pending = None
        self._flush_dirty(path)
        if is_dir:
            self._unwatch(path)
        self.emit({"kind": "delete", "path": path})

    def _flush_dirty(self, path: str) -> None:
        pre = path + os.sep
        for p in [p for p in self._dirty if p == path or p.startswith(pre)]:
            del self._dirty[p]
            self.emit({"kind": "write", "path": p})

    def _tick(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        for p, t in list(self._dirty.items()):
            if now - t >= self.settle:
                del self._dirty[p]
                self.emit({"kind": "write", "path": p})
        self._timer = self._loop.call_later(self.settle / 2, self._tick)

    def _event(self, wd: int, mask: int, cookie: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:
            self._flush_pending()
            self.emit({"kind": "resync", "reason": "inotify queue overflow"})
            return
        base = self._paths.get(wd)
        if base is None or name.startswith(TMP_PREFIX):
            return
        if mask & IN_IGNORED:
            self._wds.pop(self._paths.pop(wd), None)
            return
        path = os.path.join(base, name) if name else base
        is_dir = bool(mask & IN_ISDIR)
        if self._pending and not (mask & IN_MOVED_TO and cookie == self._pending[0]):
            self._flush_pending()
        if mask & IN_MOVED_FROM:
            self._pending = (cookie, path, is_dir)
        elif mask & IN_MOVED_TO:
            self._moved_to(path, is_dir, cookie)
        elif mask & IN_CREATE:
            if is_dir:
                self.emit({"kind": "mkdir", "path": path})
                if self.wants_dir(path):
                    self._watch_tree(path, emit_contents=True)
            else:
                self._dirty[path] = self._now()  # a link or an empty file: settles
        elif mask & IN_DELETE:
            self._dirty.pop(path, None)
            self.emit({"kind": "delete", "path": path})
        elif mask & IN_CLOSE_WRITE and not is_dir:
            self._dirty.pop(path, None)
            self.emit({"kind": "write", "path": path})
        elif mask & IN_MODIFY and not is_dir:
            self._dirty[path] = self._now()

    def _moved_to(self, path: str, is_dir: bool, cookie: int) -> None:
        if self._pending and self._pending[0] == cookie:
            old = self._pending[1]
            self._pending = None
            self._flush_dirty(old)
            if is_dir:
                self._moved(old, path)
                if not self.wants_dir(path):
                    self._unwatch(path)
                elif path not in self._wds:
                    self._watch_tree(path, emit_contents=False)
            self.emit({"kind": "rename", "path": old, "new": path})
        elif is_dir:
            self.emit({"kind": "mkdir", "path": path})
            if self.wants_dir(path):
                self._watch_tree(path, emit_contents=True)
        else:
            self.emit({"kind": "write", "path": path})

    def _now(self) -> float:
        assert self._loop is not None
        return self._loop.time()
