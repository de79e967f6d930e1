"""Windows paths are split without parsing when already canonical (the per-file
fast path of a mirror), with exactly the parser's result otherwise."""

from __future__ import annotations

import random
from pathlib import PureWindowsPath

import pytest

from core.engine import volumes
from core.engine.volumes import VolumeError, VolumeMap, split_win


def parsed(win: str) -> tuple[str, list[str]] | None:
    """What PureWindowsPath makes of ``win`` (None: refused), as split_win did."""
    p = PureWindowsPath(win.replace("/", "\\"))
    drive = p.drive.rstrip(":").upper()
    parts = list(p.parts[1:])
    if len(drive) != 1 or not drive.isalpha() or not p.root or {".", ".."} & set(parts):
        return None
    return drive, parts


def split_or_none(win: str) -> tuple[str, list[str]] | None:
    try:
        return split_win(win)
    except VolumeError:
        return None


@pytest.mark.parametrize("win", [
    "E:\\", "e:\\Data", "E:\\Data\\f.bin", "E:\\a b\\c:d\\ e .", "E:\\Data\\",
    "E:\\\\Data", "E:/Data/x", "E:\\a\\.\\b", "E:\\a\\..\\b", "E:Data", "É:\\Data",
    "1:\\Data", "\\\\srv\\share\\x", "E:\\ß\\İ", "E:\\..a\\b..",
])
def test_a_path_splits_as_the_parser_splits_it(win: str) -> None:
    assert split_or_none(win) == parsed(win)


def test_random_paths_split_as_the_parser_splits_them() -> None:
    pieces = ["a", "B", ".", " ", ":", "\\", "/", "é", "..", "\\\\", "?", "C:", "\x00", "ß"]
    starts = ["E:\\", "e:\\", "E:", "\\\\srv\\", "é:\\", "1:\\", "E:/", ""]
    rnd = random.Random(20261207)
    fast = 0
    for _ in range(20_000):
        win = rnd.choice(starts) + "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        fast += volumes._split_simple(win) is not None
        assert split_or_none(win) == parsed(win), win
    assert fast > 1_000  # the fast path was taken, and agreed


def test_local_str_is_the_local_path(tmp_path) -> None:
    vm = VolumeMap({"E": tmp_path})
    for win in ("E:\\", "E:\\Data\\f.bin", "E:/Data/x", "e:\\a b\\c"):
        assert vm.local_str(win) == str(vm.to_local(win))
    with pytest.raises(VolumeError):
        vm.local_str("F:\\Data")
