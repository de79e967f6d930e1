"""Property tests for the user-input parsers of core.dns: key files, names, IPs, MX values."""

from __future__ import annotations

import base64
import contextlib
import ipaddress
from pathlib import Path

import dns.reversename
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dns.names import format_mx, fqdn, ipv4, parse_mx, ptr_name, same_name
from core.dns.tsig_key import (
    ALGORITHMS,
    TsigKey,
    format_key_file,
    load_key_file,
    parse_key_file,
)
from core.errors import InvalidInput

label = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\Z")
names = st.lists(label, min_size=1, max_size=4).map(".".join)
secrets = st.binary(min_size=1, max_size=64).map(lambda b: base64.b64encode(b).decode())
keys = st.builds(TsigKey, names, st.sampled_from(ALGORITHMS), secrets)
gaps = st.sampled_from([" ", "\n", "\t", "  # a comment\n", " // note\n", " /* block\n */ "])


@given(keys)
def test_key_file_round_trip(key: TsigKey) -> None:
    assert parse_key_file(format_key_file(key)) == [key]


@given(keys, st.lists(gaps, min_size=12, max_size=12), st.booleans())
def test_key_file_layout_and_comments_do_not_matter(key: TsigKey, ws: list[str], quoted: bool) -> None:
    name = f'"{key.name}"' if quoted else key.name
    toks = ["key", name, "{", "secret", f'"{key.secret}"', ";", "algorithm", key.algorithm.upper(),
            ";", "}", ";"]
    text = ws[0] + "".join(t + w for t, w in zip(toks, ws[1:], strict=True))
    assert parse_key_file(text) == [key]


@given(st.text(max_size=200))
def test_key_file_parser_only_raises_invalid_input(text: str) -> None:
    with contextlib.suppress(InvalidInput):
        parse_key_file(text)


@given(keys, keys)
def test_other_statements_are_skipped_and_keys_chosen_by_name(a: TsigKey, b: TsigKey) -> None:
    text = ('options { directory "/var/named"; listen-on { 127.0.0.1; }; };\n'
            + format_key_file(a) + 'zone "x" { type primary; };\n' + format_key_file(b))
    assert parse_key_file(text) == [a, b]


def test_load_key_file_by_name(tmp_path: Path) -> None:
    a = TsigKey("failover-key", "hmac-sha256", "c2VjcmV0LWE=")
    b = TsigKey("other-key", "hmac-md5.sig-alg.reg.int.", "c2VjcmV0LWI=")
    path = tmp_path / "keys.conf"
    path.write_text(format_key_file(a) + format_key_file(b))
    assert load_key_file(path) == a
    assert load_key_file(path, "other-key.") == b and b.algorithm == "hmac-md5"
    with pytest.raises(InvalidInput, match="no key 'nope'"):
        load_key_file(path, "nope")
    with pytest.raises(InvalidInput, match="cannot read"):
        load_key_file(tmp_path / "missing.conf")


@pytest.mark.parametrize("text, message", [
    ('key "k" { algorithm hmac-sha256; };', "has no secret"),
    ('key "k" { secret "c2VjcmV0"; };', "has no algorithm"),
    ('key "k" { algorithm hmac-sha999; secret "c2VjcmV0"; };', "not a TSIG algorithm"),
    ('key "k" { algorithm hmac-sha256; secret "not base64!"; };', "not valid base64"),
    ('key "k" { algorithm hmac-sha256 secret "c2VjcmV0"; };', "expected ';'"),
    ('key { };', "needs a name"),
])
def test_bad_key_files(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        parse_key_file(text)
    assert "not base64!" not in str(info.value)  # a secret never shows in an error


@given(keys)
def test_key_repr_hides_the_secret(key: TsigKey) -> None:
    assert key.secret not in repr(key)


# --- names, IPs, MX ----------------------------------------------------------------------
@given(names, st.booleans(), st.booleans())
def test_fqdn_is_absolute_lower_case_and_idempotent(name: str, upper: bool, dot: bool) -> None:
    text = (name.upper() if upper else name) + ("." if dot else "")
    out = fqdn(text)
    assert out == name.lower() + "." and fqdn(out) == out and same_name(out, text)


@given(st.text(max_size=80))
def test_fqdn_accepts_or_raises_invalid_input(text: str) -> None:
    try:
        out = fqdn(text)
    except InvalidInput:
        return
    assert out.endswith(".") and len(out) <= 254


@pytest.mark.parametrize("bad", ["", ".", "a..b", "-a.b", "a-.b", "a b", "x" * 64 + ".com"])
def test_fqdn_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        fqdn(bad)


@given(st.ip_addresses())
def test_ptr_name_matches_dnspython(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    assert ptr_name(str(ip)) == dns.reversename.from_address(str(ip)).to_text()


@given(st.ip_addresses(v=4))
def test_ipv4_round_trip(ip: ipaddress.IPv4Address) -> None:
    assert ipv4(f" {ip} ") == str(ip)


@given(st.text(max_size=30))
def test_ipv4_only_raises_invalid_input(text: str) -> None:
    with contextlib.suppress(InvalidInput):
        assert ipaddress.IPv4Address(ipv4(text))


@given(st.integers(0, 65535), names)
def test_mx_round_trip(pref: int, name: str) -> None:
    assert parse_mx(format_mx(pref, name)) == (pref, fqdn(name))


@pytest.mark.parametrize("bad", ["mail.example.com.", "x mail.example.com.", "70000 a.b.", "10"])
def test_parse_mx_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_mx(bad)
