"""Block checksums for the Checksum mirror.

Files are cut into fixed 64 KiB blocks, each summarised by a 16-byte BLAKE2b
digest. Hashing runs in a worker thread (hashlib releases the GIL), so the
source and the target hash their copies at the same time.
"""

from __future__ import annotations

import hashlib
import os

BLOCK = 64 * 1024
DIGEST = 16
READ = 1 << 20


def file_sums(path: str, block: int = BLOCK) -> bytes:
    """Concatenated digests of every block of ``path`` (b"" when it is missing)."""
    out = bytearray()
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, may be missing
    except OSError:
        return b""
    with fh:
        while True:
            data = fh.read(READ - READ % block)
            if not data:
                break
            view = memoryview(data)
            for i in range(0, len(view), block):
                out += hashlib.blake2b(view[i : i + block], digest_size=DIGEST).digest()
    return bytes(out)


def file_digest(path: str, block: int = BLOCK) -> str:
    """One digest of a whole file, made from its block digests (so two files with the
    same digest have the same blocks); "" when it cannot be read."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return ""
    h = hashlib.blake2b(file_sums(path, block), digest_size=DIGEST)
    h.update(size.to_bytes(8, "little"))
    return h.hexdigest()


def differing_runs(
    src: bytes, dst: bytes, size: int, block: int = BLOCK, max_run: int = READ
) -> list[tuple[int, int]]:
    """``(offset, length)`` runs of the source file (``size`` bytes) whose
    blocks differ from, or are missing in, the target's sums. Adjacent blocks
    are merged up to ``max_run`` bytes."""
    runs: list[tuple[int, int]] = []
    nblocks = (size + block - 1) // block
    for i in range(nblocks):
        a = src[i * DIGEST : (i + 1) * DIGEST]
        b = dst[i * DIGEST : (i + 1) * DIGEST]
        if a == b and len(b) == DIGEST:
            continue
        off = i * block
        length = min(block, size - off)
        if runs and runs[-1][0] + runs[-1][1] == off and runs[-1][1] + length <= max_run:
            runs[-1] = (runs[-1][0], runs[-1][1] + length)
        else:
            runs.append((off, length))
    return runs


def read_at(path: str, offset: int, length: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(length)


def file_size(path: str) -> int:
    return os.stat(path).st_size
