"""The lab directory keeps what a writable connection changed (SPN moves)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import Refused
from core.lab.directory import lab_directory
from core.lab.estate import load_estate


def _host_spns(estate, changes: Path, name: str) -> set[str]:  # noqa: ANN001
    d = lab_directory(estate, changes=changes)
    try:
        found = d.computer(name)
        assert found is not None
        return {s for s in found.spns if s.upper().startswith("HOST/")}
    finally:
        d.close()


def test_an_spn_move_is_seen_by_a_fresh_connection_and_moves_back(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.94")
    changes = tmp_path / "directory.json"
    writable = lab_directory(estate, read_only=False, changes=changes)
    try:
        moved = writable.move_spns("FS01", "FS02")
    finally:
        writable.close()
    assert set(moved) == {"HOST/FS01", "HOST/fs01.lab.example.com"}
    assert set(moved) <= _host_spns(estate, changes, "FS02")
    assert not set(moved) & _host_spns(estate, changes, "FS01")

    back = lab_directory(estate, read_only=False, changes=changes)
    try:
        back.move_spns("FS02", "FS01", owner="FS01")
    finally:
        back.close()
    assert set(moved) <= _host_spns(estate, changes, "FS01")
    assert _host_spns(estate, changes, "FS02") == {"HOST/FS02", "HOST/fs02.lab.example.com"}


def test_a_read_only_connection_refuses_to_move(tmp_path: Path) -> None:
    d = lab_directory(load_estate(net="127.0.94"), changes=tmp_path / "directory.json")
    with pytest.raises(Refused, match="read-only"):
        d.move_spns("FS01", "FS02")
    assert not (tmp_path / "directory.json").exists()
