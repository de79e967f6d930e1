"""The DNS record lock's edit of a binary security descriptor (MS-DTYP 2.4)."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.directory import security_descriptor as sd
from core.errors import ProtocolError


def sid(*subs: int, authority: int = 5) -> bytes:
    return bytes([1, len(subs)]) + authority.to_bytes(6, "big") + struct.pack(
        f"<{len(subs)}I", *subs)


SOURCE = sid(21, 1004336348, 1177238915, 682003330, 1104)
OTHER = sid(21, 1004336348, 1177238915, 682003330, 1105)
SYSTEM = sid(18)


def ace(kind: int, mask: int, trustee: bytes, flags: int = 0) -> bytes:
    return struct.pack("<BBHI", kind, flags, 8 + len(trustee), mask) + trustee


def object_ace() -> bytes:
    # ACCESS_ALLOWED_OBJECT: mask, flags (object type present), a GUID, then the SID
    body = struct.pack("<II", 0x20, 1) + bytes(range(16)) + SYSTEM
    return struct.pack("<BBH", 0x05, 0x12, 4 + len(body)) + body


def acl(*aces: bytes, revision: int = 4) -> bytes:
    body = b"".join(aces)
    return struct.pack("<BBHHH", revision, 0, 8 + len(body), len(aces), 0) + body


def descriptor(dacl: bytes) -> bytes:
    # owner, then a SACL, then the DACL: what a server may hand back with every part
    sacl = acl(ace(0x02, 0x10000, SYSTEM), revision=2)
    o_sacl = 20 + len(SYSTEM)
    o_dacl = o_sacl + len(sacl)
    control = 0x8000 | 0x0004 | 0x0010 | 0x0400  # self-relative, DACL, SACL, auto-inherited
    return struct.pack("<BBHIIII", 1, 0, control, 20, 0, o_sacl, o_dacl) + SYSTEM + sacl + dacl


ALLOWED = [ace(0x00, 0xF01FF, SYSTEM), object_ace(), ace(0x00, 0x20094, OTHER, flags=0x12)]


def test_sid_text_is_the_windows_form() -> None:
    assert sd.sid_to_str(SOURCE) == "S-1-5-21-1004336348-1177238915-682003330-1104"
    with pytest.raises(ProtocolError):
        sd.sid_to_str(SOURCE[:-2])


def test_the_lock_comes_first_and_every_other_ace_is_kept_byte_for_byte() -> None:
    before = descriptor(acl(*ALLOWED))
    after = sd.locked(before, SOURCE)
    aces = sd.dacl_aces(after)
    assert aces[0].type == sd.ACCESS_DENIED and aces[0].sid == SOURCE
    assert aces[0].mask == sd.LOCK_MASK
    assert [a.raw for a in aces[1:]] == ALLOWED
    assert sd.is_locked(after, SOURCE) and not sd.is_locked(after, OTHER)
    assert not sd.is_locked(before, SOURCE)


def test_the_written_descriptor_is_dacl_only_and_self_relative() -> None:
    after = sd.locked(descriptor(acl(*ALLOWED)), SOURCE)
    rev, _, control, owner, group, sacl, dacl = struct.unpack_from("<BBHIIII", after)
    assert (rev, owner, group, sacl, dacl) == (1, 0, 0, 0, 20)
    assert control & 0x8004 == 0x8004 and not control & 0x0010  # no SACL claimed
    assert control & 0x0400  # auto-inherited stays
    revision, _, size, count, _ = struct.unpack_from("<BBHHH", after, 20)
    assert (revision, count, size) == (4, 4, len(after) - 20)


def test_locking_twice_adds_one_ace_and_unlock_gives_the_dacl_back() -> None:
    before = descriptor(acl(*ALLOWED))
    twice = sd.locked(sd.locked(before, SOURCE), SOURCE)
    assert len(sd.dacl_aces(twice)) == len(ALLOWED) + 1
    back = sd.unlocked(twice, SOURCE)
    assert [a.raw for a in sd.dacl_aces(back)] == ALLOWED
    assert sd.unlocked(back, SOURCE) == back


def test_unlock_keeps_a_deny_the_lock_did_not_write() -> None:
    # an administrator's own deny for the same account (another mask) is not ours
    theirs = ace(sd.ACCESS_DENIED, 0x20, SOURCE)
    before = descriptor(acl(theirs, *ALLOWED))
    back = sd.unlocked(sd.locked(before, SOURCE), SOURCE)
    assert [a.raw for a in sd.dacl_aces(back)] == [theirs, *ALLOWED]


def test_a_descriptor_without_a_dacl_gets_one_with_the_lock() -> None:
    bare = struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)
    after = sd.locked(bare, SOURCE)
    assert [a.sid for a in sd.dacl_aces(after)] == [SOURCE]


def test_a_cut_descriptor_is_a_protocol_error_not_a_crash() -> None:
    with pytest.raises(ProtocolError):
        sd.locked(b"\x01\x00", SOURCE)
    whole = descriptor(acl(*ALLOWED))
    with pytest.raises(ProtocolError):
        sd.dacl_aces(whole[:-30])


@given(st.binary(max_size=200))
def test_any_bytes_give_a_descriptor_or_a_protocol_error(data: bytes) -> None:
    for blob in (data, descriptor(acl(*ALLOWED))[:20] + data):
        try:
            after = sd.locked(blob, SOURCE)
        except ProtocolError:
            continue
        assert sd.is_locked(after, SOURCE)
