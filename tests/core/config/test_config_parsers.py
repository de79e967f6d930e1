"""Property tests for every user-input parser: round-trips, and InvalidInput as the only error."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import parsers as p
from core.errors import InvalidInput

FAST = settings(max_examples=60, deadline=None)

PARSERS: list[Callable[..., Any]] = [
    p.parse_bool, p.parse_port, p.parse_ttl, p.parse_interval, p.parse_missed,
    p.parse_snapshot_interval, p.parse_ipv4, p.parse_ip_list, p.parse_hostname, p.parse_domain,
    p.parse_user_name, p.parse_name_list, p.parse_windows_path, p.parse_datetime, p.parse_ip_map,
]
label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
ipv4 = st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n)))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
@FAST
@given(text=st.text(max_size=40))
def test_parsers_raise_only_invalid_input(parser: Callable[..., Any], text: str) -> None:
    try:
        parser(text)
    except InvalidInput as exc:
        assert exc.message and exc.field


@FAST
@given(st.booleans(), st.sampled_from([("on", "off"), ("yes", "no"), ("TRUE", "False"), ("1", "0")]))
def test_bool_round_trip(value: bool, words: tuple[str, str]) -> None:
    assert p.parse_bool(words[0] if value else words[1]) is value
    assert p.parse_bool(" on " if value else "OFF") is value


@pytest.mark.parametrize(("parser", "lo", "hi"), [
    (p.parse_port, 1, 65535), (p.parse_ttl, 0, p.TTL_MAX), (p.parse_interval, 1, 3600),
    (p.parse_missed, 1, 1000), (p.parse_snapshot_interval, 15, 10**12)])
@FAST
@given(n=st.integers(-10**6, 3 * 10**9))
def test_ranged_ints(parser: Callable[[str], int], lo: int, hi: int, n: int) -> None:
    if lo <= n <= hi:
        assert parser(str(n)) == n
        assert parser(f"  {n} ") == n
    else:
        with pytest.raises(InvalidInput, match="out of range"):
            parser(str(n))


@FAST
@given(ipv4)
def test_ipv4_round_trip(ip: str) -> None:
    assert p.parse_ipv4(ip) == ip
    assert p.parse_ipv4(f" {ip}\t") == ip


@pytest.mark.parametrize("bad", ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "::1"])
def test_ipv4_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        p.parse_ipv4(bad, "connection.route")


@FAST
@given(st.lists(ipv4, max_size=5))
def test_ip_list_round_trip(ips: list[str]) -> None:
    unique = list(dict.fromkeys(ips))
    assert p.parse_ip_list(",".join(ips)) == unique
    assert p.parse_ip_list(" ".join(ips)) == unique


@FAST
@given(st.lists(ipv4, min_size=1, max_size=4, unique=True),
       st.lists(ipv4, min_size=4, max_size=4, unique=True))
def test_ip_map_round_trip(srcs: list[str], tgts: list[str]) -> None:
    mapping = dict(zip(srcs, tgts, strict=False))
    text = ",".join(f"{s}:{t}" for s, t in mapping.items())
    assert p.parse_ip_map(text) == mapping
    assert p.parse_ip_map(text.replace(":", "->")) == mapping


def test_ip_map_refuses_a_target_used_twice() -> None:
    with pytest.raises(InvalidInput, match="used twice"):
        p.parse_ip_map("10.0.0.1:10.0.0.9,10.0.0.2:10.0.0.9")


@FAST
@given(st.lists(label, min_size=1, max_size=4))
def test_hostname_round_trip(labels: list[str]) -> None:
    name = ".".join(labels)
    if name.replace(".", "").isdigit():
        with pytest.raises(InvalidInput):
            p.parse_hostname(name)
    else:
        assert p.parse_hostname(name + ".") == name


@FAST
@given(st.lists(label, min_size=2, max_size=4))
def test_domain_needs_a_suffix(labels: list[str]) -> None:
    name = ".".join(labels)
    try:
        assert p.parse_domain(name.upper()) == name
    except InvalidInput as exc:  # only a numeric last label or an all-numeric name
        assert labels[-1].isdigit() or name.replace(".", "").isdigit(), exc


@pytest.mark.parametrize("bad", ["LAB", "lab.", "-lab.com", "lab..com", "a" * 64 + ".com", "x.123"])
def test_domain_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        p.parse_domain(bad)


account = st.from_regex(r"[A-Za-z][A-Za-z0-9._ -]{0,18}[A-Za-z0-9]", fullmatch=True)


@FAST
@given(account, st.lists(label, min_size=2, max_size=3))
def test_user_name_forms(user: str, labels: list[str]) -> None:
    domain = ".".join(labels)
    if domain.replace(".", "").isdigit() or labels[-1].isdigit():
        return
    assert p.parse_user_name(f"LAB\\{user}") == f"LAB\\{user}"
    assert p.parse_user_name(f"{user}@{domain}") == f"{user}@{domain}"
    assert p.parse_user_name(user, default_domain=domain) == f"{user}@{domain}"
    assert p.parse_user_name(user) == user


@pytest.mark.parametrize("bad", ["", "LAB\\", "\\bob", "bo/b", "a@", "@lab.com", "bob@-x.com",
                                 "LAB\\bo:b", "..."])
def test_user_name_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        p.parse_user_name(bad, "failover.dns.user")


@FAST
@given(st.lists(st.from_regex(r"[A-Za-z0-9$ _-]{1,12}", fullmatch=True), max_size=5))
def test_name_list_round_trip(names: list[str]) -> None:
    cleaned = [n.strip() for n in names if n.strip()]
    unique = [n for i, n in enumerate(cleaned) if n.lower() not in {m.lower() for m in cleaned[:i]}]
    assert p.parse_name_list(",".join(names)) == unique
    assert p.parse_name_list(",".join(unique)) == unique


segment = st.from_regex(r"[A-Za-z0-9 _.$-]{1,10}", fullmatch=True).filter(
    lambda s: s.strip(".") and s == s.strip() and s[-1] != "."
    and not re.fullmatch(r"(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?", s, re.IGNORECASE))


@FAST
@given(st.sampled_from("CDEZ"), st.lists(segment, max_size=4))
def test_windows_path_round_trip(letter: str, parts: list[str]) -> None:
    path = f"{letter}:\\" + "\\".join(parts)
    assert p.parse_windows_path(path) == path
    assert p.parse_windows_path(path.lower().replace("\\", "/") + "/").upper() == path.upper()


@pytest.mark.parametrize("bad", ["Shares\\Data", "\\\\srv\\share", "EE:\\x", "E:\\a|b", ""])
def test_windows_path_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        p.parse_windows_path(bad)


def test_datetime_and_enum() -> None:
    assert p.parse_datetime("now") == ""
    assert p.parse_datetime("2025-01-31T22:00") == "2025-01-31T22:00"
    assert p.parse_datetime(p.parse_datetime("2025-01-31 22:00:59")) == "2025-01-31T22:00"
    assert p.parse_enum("UDP", "monitoring.method", {"udp": "heartbeat"}) == "heartbeat"
    with pytest.raises(InvalidInput, match="heartbeat"):
        p.parse_enum("tcp", "monitoring.method", {"udp": "heartbeat"})
