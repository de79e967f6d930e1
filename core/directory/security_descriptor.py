"""Just enough of Windows' binary security descriptors to lock a DNS record.

A record of an AD-integrated zone is a ``dnsNode`` object; the DNS server
applies a client's dynamic update with that client's rights on the object.
Locking the source's record against re-registration (SPEC F-9.4, F-10) is
one explicit *deny* ACE for the source's computer account, put first in the
object's DACL; unlocking removes exactly that ACE. Every other ACE is kept
byte for byte, so nothing else about who may change the record moves.

Formats (MS-DTYP 2.4.2 SID, 2.4.4 ACE, 2.4.5 ACL, 2.4.6 SECURITY_DESCRIPTOR):
the descriptor read and written is self-relative, and only its DACL is
read and written (the LDAP SD_FLAGS control asks for the DACL alone).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from core.errors import ProtocolError

ACCESS_DENIED = 0x01
#: what re-registering needs on the dnsNode: write its dnsRecord (WRITE_PROPERTY),
#: or delete and re-create it (DELETE, DELETE_TREE). WRITE_DAC is not denied, so
#: the console that locked can always unlock.
LOCK_MASK = 0x00000020 | 0x00010000 | 0x00000040
SE_DACL_PRESENT = 0x0004
SE_SELF_RELATIVE = 0x8000
#: the SACL's control bits: the descriptor written carries no SACL
_SACL_BITS = 0x0010 | 0x0020 | 0x0800 | 0x2000
_HEADER = struct.Struct("<BBHIIII")
_ACL_HEADER = struct.Struct("<BBHHH")


def sid_to_str(sid: bytes) -> str:
    """``S-1-5-21-…`` of a binary SID (an ``objectSid`` value)."""
    if len(sid) < 8 or len(sid) != 8 + 4 * sid[1]:
        raise ProtocolError(f"not a SID: {sid.hex()}")
    authority = int.from_bytes(sid[2:8], "big")
    subs = struct.unpack(f"<{sid[1]}I", sid[8:])
    return "-".join(["S", str(sid[0]), str(authority), *map(str, subs)])


@dataclass(frozen=True)
class Ace:
    """One ACE as read: its type, flags and mask, and its bytes (kept as they were)."""

    type: int
    flags: int
    mask: int
    raw: bytes

    @property
    def sid(self) -> bytes:
        """The trustee of a non-object ACE (its bytes after the mask)."""
        return self.raw[8:]


def _aces(acl: bytes) -> tuple[int, list[Ace]]:
    if len(acl) < _ACL_HEADER.size:
        raise ProtocolError("the record's ACL is cut short")
    revision, _, size, count, _ = _ACL_HEADER.unpack_from(acl)
    end = min(size, len(acl))
    out, at = [], _ACL_HEADER.size
    for _ in range(count):
        if at + 4 > end:
            raise ProtocolError("the record's ACL is cut short")
        kind, flags, length = struct.unpack_from("<BBH", acl, at)
        if length < 4 or at + length > end:
            raise ProtocolError("an ACE of the record's ACL is cut short")
        mask = struct.unpack_from("<I", acl, at + 4)[0] if length >= 8 else 0
        out.append(Ace(kind, flags, mask, acl[at:at + length]))
        at += length
    return revision, out


def dacl_aces(sd: bytes) -> list[Ace]:
    """The ACEs of ``sd``'s DACL, in order ([] when it has no DACL)."""
    return _aces(_dacl(sd))[1] if _dacl(sd) else []


def _dacl(sd: bytes) -> bytes:
    if len(sd) < _HEADER.size:
        raise ProtocolError("the record's security descriptor is too short")
    *_, control, _owner, _group, _sacl, offset = _HEADER.unpack_from(sd)
    if not control & SE_DACL_PRESENT or not offset:
        return b""
    if offset + 4 > len(sd):
        raise ProtocolError("the record's DACL lies outside its security descriptor")
    size = struct.unpack_from("<H", sd, offset + 2)[0]
    return sd[offset:offset + size]


def _with_aces(sd: bytes, revision: int, aces: list[Ace]) -> bytes:
    body = b"".join(a.raw for a in aces)
    acl = _ACL_HEADER.pack(revision, 0, _ACL_HEADER.size + len(body), len(aces), 0) + body
    control = _HEADER.unpack_from(sd)[2] & ~_SACL_BITS | SE_DACL_PRESENT | SE_SELF_RELATIVE
    return _HEADER.pack(1, 0, control, 0, 0, 0, _HEADER.size) + acl


def _is_lock(ace: Ace, sid: bytes) -> bool:
    return ace.type == ACCESS_DENIED and ace.mask == LOCK_MASK and ace.sid == sid


def is_locked(sd: bytes, sid: bytes) -> bool:
    """Whether ``sd`` holds the lock ACE for ``sid``."""
    return any(_is_lock(a, sid) for a in dacl_aces(sd))


def locked(sd: bytes, sid: bytes) -> bytes:
    """``sd`` (DACL only) with the deny ACE for ``sid`` first; unchanged if already there."""
    revision, aces = _aces(_dacl(sd)) if _dacl(sd) else (2, [])
    if any(_is_lock(a, sid) for a in aces):
        return _with_aces(sd, revision, aces)
    deny = struct.pack("<BBHI", ACCESS_DENIED, 0, 8 + len(sid), LOCK_MASK) + sid
    return _with_aces(sd, revision, [Ace(ACCESS_DENIED, 0, LOCK_MASK, deny), *aces])


def unlocked(sd: bytes, sid: bytes) -> bytes:
    """``sd`` (DACL only) without the lock ACE for ``sid``; every other ACE kept."""
    if not _dacl(sd):
        return sd
    revision, aces = _aces(_dacl(sd))
    return _with_aces(sd, revision, [a for a in aces if not _is_lock(a, sid)])
