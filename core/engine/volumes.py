"""Windows paths of rules ↔ local directories.

Rules and the data channel speak Windows paths (``E:\\Shares\\Data``). On a
lab server (or any non-Windows host) each drive letter maps to a directory;
on Windows the map is the identity.
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath


class VolumeError(ValueError):
    """A path names a volume this server does not have, or escapes it."""


def split_win(win_path: str) -> tuple[str, list[str]]:
    """``("E", ["Shares", "Data"])``; rejects relative and ``..`` paths."""
    simple = _split_simple(win_path)
    if simple is not None:
        return simple
    p = PureWindowsPath(win_path.replace("/", "\\"))
    drive = p.drive.rstrip(":").upper()
    if len(drive) != 1 or not drive.isalpha() or not p.root:
        raise VolumeError(f"{win_path!r} is not an absolute path with a drive letter")
    parts = list(p.parts[1:])
    if any(part in ("..", ".") for part in parts):
        raise VolumeError(f"{win_path!r} must not contain '.' or '..'")
    return drive, parts


_LETTERS = frozenset(string.ascii_letters)


def _split_simple(win_path: str) -> tuple[str, list[str]] | None:
    """:func:`split_win` of a path in canonical form (``E:\\a\\b``: one backslash
    between names, none at the end, no ``/``, ``.`` or ``..``) without parsing it
    (every path of a mirror is so: it runs for every file on both sides); None for
    any other path, which PureWindowsPath parses."""
    if len(win_path) < 3 or win_path[1:3] != ":\\" or win_path[0] not in _LETTERS:
        return None
    rest = win_path[3:]
    if not rest:
        return win_path[0].upper(), []
    if "/" in rest or "\\\\" in rest or rest[0] == "\\" or rest[-1] == "\\":
        return None
    parts = rest.split("\\")
    if "." in parts or ".." in parts:
        return None
    return win_path[0].upper(), parts


def join_win(drive: str, parts: list[str]) -> str:
    return f"{drive.upper()}:\\" + "\\".join(parts)


def normalize_win(win_path: str) -> str:
    """Canonical spelling: upper-case drive, backslashes, no trailing separator."""
    drive, parts = split_win(win_path)
    return join_win(drive, parts)


class VolumeMap:
    """Drive letter → local directory; ``VolumeMap(None)`` is the identity (Windows)."""

    def __init__(self, volumes: Mapping[str, Path | str] | None) -> None:
        self.identity = volumes is None
        self.volumes = {k.rstrip(":").upper(): Path(v) for k, v in (volumes or {}).items()}
        self._bases = {k: os.fspath(v) for k, v in self.volumes.items()}

    @classmethod
    def for_platform(cls, volumes: dict[str, Path | str]) -> VolumeMap:
        return cls(None) if sys.platform == "win32" and not volumes else cls(volumes)

    def letters(self) -> list[str]:
        return sorted(self.volumes) if not self.identity else []

    def has(self, drive: str) -> bool:
        return self.identity or drive.upper() in self.volumes

    def to_local(self, win_path: str) -> Path:
        drive, parts = split_win(win_path)
        if self.identity:
            return Path(f"{drive}:\\", *parts)
        base = self.volumes.get(drive)
        if base is None:
            raise VolumeError(f"volume {drive}: does not exist on this server")
        return base.joinpath(*parts)

    def local_str(self, win_path: str) -> str:
        """``os.fspath(to_local(win_path))`` without building a Path (per file of a
        batch on the target)."""
        if self.identity:
            return os.fspath(self.to_local(win_path))
        drive, parts = split_win(win_path)
        base = self._bases.get(drive)
        if base is None:
            raise VolumeError(f"volume {drive}: does not exist on this server")
        return os.path.join(base, *parts)

    def to_windows(self, local: Path | str) -> str:
        """Inverse of :meth:`to_local`; VolumeError when outside every volume."""
        local = Path(local)
        if self.identity:
            return normalize_win(str(local))
        text = os.fspath(local)
        for drive, base in self.volumes.items():
            b = os.fspath(base)
            if text == b:
                return join_win(drive, [])
            if text.startswith(b.rstrip(os.sep) + os.sep):
                return join_win(drive, [p for p in text[len(b):].split(os.sep) if p])
        raise VolumeError(f"{text} is not on any volume of this server")
