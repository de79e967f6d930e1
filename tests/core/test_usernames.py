"""User-name forms (F-5.4): DOMAIN\\user, user@domain, bare user."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.credentials.usernames import canonical_user, format_user, parse_user, same_user
from core.errors import InvalidInput

DNS = "lab.example.com"
users = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.' -]{0,18}[A-Za-z0-9_]", fullmatch=True)
netbios = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,14}", fullmatch=True)
dns_domains = st.lists(st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
                       min_size=2, max_size=4).map(".".join)


def test_three_forms() -> None:
    assert parse_user("LAB\\Administrator", DNS) == ("LAB", "Administrator")
    assert parse_user("lab\\Administrator") == ("LAB", "Administrator")
    assert parse_user("Administrator@Lab.Example.com") == ("lab.example.com", "Administrator")
    assert parse_user("  alice  ", DNS) == ("lab.example.com", "alice")
    assert parse_user("lab.example.com\\bob") == ("lab.example.com", "bob")


def test_canonical_forms() -> None:
    assert canonical_user("lab\\Administrator") == "LAB\\Administrator"
    assert canonical_user("alice", DNS) == "alice@lab.example.com"
    assert canonical_user("LAB.EXAMPLE.COM\\alice") == "alice@lab.example.com"
    assert same_user("LAB\\ADMINISTRATOR", "lab\\administrator")
    assert not same_user("LAB\\alice", "alice@lab.example.com")  # NetBIOS vs DNS domain: unknown


@pytest.mark.parametrize(("text", "words"), [
    ("", "enter a user name"),
    ("   ", "enter a user name"),
    ("alice", "type the domain too"),
    ("\\alice", "before the backslash is empty"),
    ("LAB\\", "the user name is empty"),
    ("LAB\\a\\b", "single backslash"),
    ("LAB\\a@b.com", "not both"),
    ("@lab.example.com", "before @ is empty"),
    ("alice@", "after @ is empty"),
    ("a@b@lab.example.com", "at most one @"),
    ("LAB\\al:ice", "':'"),
    ("LAB\\alice.", "end with a period"),
    ("LAB\\a\x01b", "control character"),
    ("TOOLONGNETBIOSNAME\\alice", "NetBIOS"),
    ("alice@lab..com", "empty labels"),
    ("LA B\\alice", "NetBIOS"),
])
def test_refusals_say_which_part(text: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_user(text)
    assert err.value.field == "user"
    assert words in err.value.message


@given(netbios, users)
def test_down_level_round_trip(domain: str, user: str) -> None:
    assert parse_user(f"{domain}\\{user}") == (domain.upper(), user)
    assert parse_user(canonical_user(f"{domain}\\{user}")) == (domain.upper(), user)


@given(dns_domains, users)
def test_upn_round_trip(domain: str, user: str) -> None:
    assert parse_user(f"{user}@{domain.upper()}") == (domain, user)
    assert parse_user(format_user(domain, user)) == (domain, user)


@given(users, dns_domains)
def test_bare_name_takes_default_domain(user: str, domain: str) -> None:
    assert parse_user(user, domain) == (domain, user)


@given(st.text(max_size=60), st.sampled_from(["", DNS, "LAB"]))
def test_parser_only_raises_invalid_input(text: str, default: str) -> None:
    try:
        domain, user = parse_user(text, default)
    except InvalidInput as err:
        assert err.field == "user" and err.message
        return
    assert domain and user and "\\" not in user and "@" not in user
