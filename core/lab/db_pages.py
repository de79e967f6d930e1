"""The pages of the lab's database files, their checksums, and the corrupt-page fault.

A lab .mdf/.ndf/.ldf (and an Exchange .edb/.stm) is a run of 8 KiB pages laid
out like SQL Server's: a 96-byte header (header version 1 at byte 0, page
type at byte 1, flag bits at 4–5 with 0x0200 "has a checksum", page number at
32–35, file id at 36–37) and the page checksum at bytes 60–63. The checksum is
SQL Server's PAGE_VERIFY CHECKSUM as OrcaMDF documents it: per 512-byte
sector, the XOR of its 32-bit words (the checksum field left out), rotated
left by 15 − sector, all XORed together. Verify Target Data reads these pages
back in the target's snapshot, where DBCC CHECKDB would on Windows.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

PAGE = 8192
#: pages the lab writes per database file (32 KiB: small, but a page to corrupt)
PAGES = 4
HEADER = 96
CHECKSUM_AT = 60
HAS_CHECKSUM = 0x0200
#: file extensions the lab writes as pages
PAGED = (".mdf", ".ndf", ".ldf", ".edb", ".stm")


def _rol(v: int, n: int) -> int:
    n %= 32
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF


def checksum(page: bytes) -> int:
    words = struct.unpack("<2048I", page)
    total = 0
    for sector in range(16):
        x = 0
        for j, w in enumerate(words[sector * 128:(sector + 1) * 128]):
            if sector == 0 and j == CHECKSUM_AT // 4:
                continue
            x ^= w
        total ^= _rol(x, 15 - sector)
    return total


def make_page(number: int, file_id: int, body: bytes) -> bytes:
    head = bytearray(HEADER)
    head[0], head[1] = 1, 1  # header version 1, a data page
    struct.pack_into("<H", head, 4, HAS_CHECKSUM)
    struct.pack_into("<IH", head, 32, number, file_id)
    page = bytearray(bytes(head) + body[:PAGE - HEADER].ljust(PAGE - HEADER, b"\0"))
    struct.pack_into("<I", page, CHECKSUM_AT, checksum(bytes(page)))
    return bytes(page)


def make_file(label: str, pages: int = PAGES) -> bytes:
    """A database file of ``pages`` checksummed pages whose rows name ``label``."""
    file_id = zlib.crc32(label.encode()) & 0x7FFF
    return b"".join(make_page(n, file_id, f"appmgr lab page {n} of {label}\r\n".encode())
                    for n in range(pages))


@dataclass(frozen=True)
class BadPage:
    number: int
    reason: str


def check(path: Path) -> tuple[int, list[BadPage]]:
    """(pages read, the pages that fail) of one file; a file that is no run of pages
    at all fails as page 0."""
    data = path.read_bytes()
    if not data or len(data) % PAGE:
        return 0, [BadPage(0, f"{len(data)} bytes: not a whole number of 8 KiB pages")]
    bad: list[BadPage] = []
    count = len(data) // PAGE
    for n in range(count):
        page = data[n * PAGE:(n + 1) * PAGE]
        if page[0] != 1:
            bad.append(BadPage(n, "no page header"))
            continue
        (flags,) = struct.unpack_from("<H", page, 4)
        if not flags & HAS_CHECKSUM:
            continue  # written before PAGE_VERIFY CHECKSUM: nothing to check
        (stored,) = struct.unpack_from("<I", page, CHECKSUM_AT)
        actual = checksum(page)
        if stored != actual:
            bad.append(BadPage(n, f"checksum 0x{stored:08x} stored, 0x{actual:08x} computed"))
    return count, bad


def corrupt(path: Path, page: int = 1) -> int:
    """Flip bytes in the body of ``page`` (its checksum stays the old one), as a bad
    disk would. The file is rewritten under a new inode and renamed over the old one:
    a snapshot sharing the old inode (hard link) keeps its good copy. Returns the page."""
    data = bytearray(path.read_bytes())
    count = len(data) // PAGE
    if count == 0:
        raise ValueError(f"{path.name} holds no whole page")
    page = min(max(page, 0), count - 1)
    at = page * PAGE + HEADER + 16
    for i in range(4):  # one word: an even number of equal flips would cancel in the XOR
        data[at + i] ^= 0xA5
    tmp = path.with_name(path.name + ".corrupt-tmp")
    tmp.write_bytes(bytes(data))
    os.replace(tmp, path)
    return page
