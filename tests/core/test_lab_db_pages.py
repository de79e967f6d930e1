"""The lab's database pages: checksums hold on what the lab writes, and the corrupt-page
fault is found, names its page, and leaves a hard-linked snapshot's copy intact."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from core.lab import db_pages


def test_written_pages_check_and_a_flipped_byte_is_found(tmp_path: Path) -> None:
    f = tmp_path / "Sales.mdf"
    f.write_bytes(db_pages.make_file("Sales.mdf of SQL01"))
    assert db_pages.check(f) == (db_pages.PAGES, [])
    data = bytearray(f.read_bytes())
    data[2 * db_pages.PAGE + 4000] ^= 1  # one bit in page 2
    f.write_bytes(bytes(data))
    pages, bad = db_pages.check(f)
    assert pages == db_pages.PAGES and [b.number for b in bad] == [2]
    assert "checksum" in bad[0].reason


def test_the_checksum_skips_its_own_field_and_sees_every_sector() -> None:
    page = bytearray(db_pages.make_page(0, 1, b"rows"))
    base = db_pages.checksum(bytes(page))
    struct.pack_into("<I", page, db_pages.CHECKSUM_AT, 0xDEADBEEF)
    assert db_pages.checksum(bytes(page)) == base  # the stored value is not summed
    for sector in range(16):
        changed = bytearray(page)
        changed[sector * 512 + 100] ^= 0x80
        assert db_pages.checksum(bytes(changed)) != base, sector


def test_corrupt_breaks_the_hard_link_first(tmp_path: Path) -> None:
    live = tmp_path / "Sales.mdf"
    live.write_bytes(db_pages.make_file("x"))
    snap = tmp_path / "snap.mdf"
    os.link(live, snap)
    assert db_pages.corrupt(live, 1) == 1
    assert [b.number for b in db_pages.check(live)[1]] == [1]
    assert db_pages.check(snap) == (db_pages.PAGES, [])  # the snapshot's copy is untouched


def test_a_file_that_is_no_pages_fails_as_page_0(tmp_path: Path) -> None:
    f = tmp_path / "old.mdf"
    f.write_bytes(b"appmgr lab file".ljust(8192, b"\0"))
    assert [b.number for b in db_pages.check(f)[1]] == [0]
    f.write_bytes(b"short")
    assert db_pages.check(f)[0] == 0 and db_pages.check(f)[1][0].number == 0
