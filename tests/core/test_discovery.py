"""Setup: domain-name rules, the default domain, discovery over the Directory port."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.discovery import APPS, check_domain_name, default_domain, discover
from core.errors import InvalidInput
from core.ports import DirectoryComputer
from tests.core.doubles import FakeDirectory

label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
tld = st.from_regex(r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@given(st.lists(label, min_size=1, max_size=4), tld)
def test_valid_domains_are_accepted_and_normalised(labels: list[str], top: str) -> None:
    name = ".".join([*labels, top])
    assert check_domain_name(name.upper() + ".") == name


@given(label)
def test_single_label_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_domain_name(name)
    assert err.value.field == "domain"
    assert "no suffix" in err.value.message


@pytest.mark.parametrize(("name", "words"), [
    ("", "enter a name"),
    ("lab..example.com", "empty labels"),
    (".lab.com", "empty labels"),
    ("lab_1.example.com", "'_'"),
    ("-lab.example.com", "hyphen"),
    ("lab-.example.com", "hyphen"),
    ("lab.example.123", "all digits"),
    ("a" * 64 + ".com", "longer than 63"),
    (".".join(["abcdefghi"] * 26), "253"),
    ("lab example.com", "' '"),
])
def test_bad_domains_say_why(name: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_domain_name(name)
    assert words in err.value.message


@given(st.text(max_size=80))
def test_domain_check_only_raises_invalid_input(text: str) -> None:
    try:
        out = check_domain_name(text)
    except InvalidInput:
        return
    assert out == out.lower() and "." in out and not out.endswith(".")


def test_default_domain_from_host_or_lab() -> None:
    assert default_domain(getfqdn=lambda: "admin1.corp.example.com") == "corp.example.com"
    assert default_domain("LAB.example.com", getfqdn=lambda: "x.other.org") == "lab.example.com"
    assert default_domain(getfqdn=lambda: "localhost") == ""
    assert default_domain(getfqdn=lambda: "box.localdomain") == ""  # single label: refused
    assert default_domain(getfqdn=lambda: "") == ""


def _c(name: str, *, is_cluster_node: bool = False,
       is_cluster_virtual: bool = False) -> DirectoryComputer:
    return DirectoryComputer(name=name, dn=f"CN={name},DC=a,DC=b", is_cluster_node=is_cluster_node,
                             is_cluster_virtual=is_cluster_virtual)


def test_discover_hides_cluster_nodes_and_sorts() -> None:
    d = FakeDirectory([_c("FS02"), _c("NODE1", is_cluster_node=True), _c("EXVS", is_cluster_virtual=True),
                       _c("FS01"), _c("FS01")], "a.b")
    assert [c.name for c in discover(d, "fileprint")] == ["EXVS", "FS01", "FS02"]


@pytest.mark.parametrize("app", APPS)
def test_every_app_is_known(app: str) -> None:
    assert [c.name for c in discover(FakeDirectory([_c("A")], "a.b"), app.upper())] == ["A"]


def test_unknown_app_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        discover(FakeDirectory([], "a.b"), "oracle")
    assert err.value.field == "application"
