"""The lab's name_add / name_remove answer like their scripts and keep the names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core.lab.estate import LabServer, load_estate
from core.lab.name_ops import NameOps, alternate_names
from core.lab.ps_failure import PsFailure


@dataclass
class _Host(NameOps):
    server: LabServer
    lab_root: Path


def test_names_are_added_once_kept_and_removed(tmp_path: Path) -> None:
    host = _Host(load_estate(net="127.0.94").server("SQL05B"), tmp_path)
    assert host.op_name_add({"name": "sql05a"}) == {"names": ["SQL05A"], "added": True}
    assert host.op_name_add({"name": "SQL05A"}) == {"names": ["SQL05A"], "added": False}
    assert alternate_names(tmp_path, "SQL05B") == ["SQL05A"]  # what a restarted lab reads
    assert host.op_name_remove({"name": "SQL05A"}) == {"names": [], "removed": True}
    assert host.op_name_remove({"name": "SQL05A"}) == {"names": [], "removed": False}
    assert alternate_names(tmp_path, "SQL05B") == []


def test_a_missing_name_is_a_parameter_error(tmp_path: Path) -> None:
    host = _Host(load_estate(net="127.0.94").server("SQL05B"), tmp_path)
    with pytest.raises(PsFailure):
        host.op_name_add({"name": " "})
