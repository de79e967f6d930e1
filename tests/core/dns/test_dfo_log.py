"""The DFO log: append-only, per server, timestamped, readable by the log viewer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.dns.dfo_log import DfoLog, dfo_log_path, dfo_log_servers, read_dfo_log
from core.errors import InvalidInput


def test_lines_are_appended_with_utc_stamps_to_each_server(tmp_path: Path) -> None:
    times = iter([datetime(2025, 1, 2, 5, 4, 3, tzinfo=timezone(timedelta(hours=2))),
                  datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)])
    log = DfoLog(tmp_path, ["FS01", "fs02", "FS01"], clock=lambda: next(times))
    assert log.write("first\nsecond line\n") == "2025-01-02T03:04:03Z  first / second line"
    log.write("third")
    assert read_dfo_log(tmp_path, "fs01") == [
        "2025-01-02T03:04:03Z  first / second line", "2025-01-02T03:04:05Z  third"]
    assert read_dfo_log(tmp_path, "FS02", last=1) == ["2025-01-02T03:04:05Z  third"]
    assert dfo_log_servers(tmp_path) == ["FS01", "FS02"]
    assert dfo_log_path(tmp_path, "fs01") == tmp_path / "dfo" / "FS01.log"


def test_existing_lines_are_kept(tmp_path: Path) -> None:
    DfoLog(tmp_path, "FS01").write("one")
    DfoLog(tmp_path, "FS01").write("two")
    assert [ln.split("  ", 1)[1] for ln in read_dfo_log(tmp_path, "FS01")] == ["one", "two"]


def test_missing_log_reads_empty(tmp_path: Path) -> None:
    assert read_dfo_log(tmp_path, "FS09") == [] and dfo_log_servers(tmp_path) == []


@pytest.mark.parametrize("bad", ["../etc/passwd", "a/b", "", "..", ".hidden", "x" * 80])
def test_server_names_cannot_escape_the_log_folder(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidInput):
        DfoLog(tmp_path, bad)
