"""User-name forms accepted by every login dialog (SPEC F-5.4, F-12).

``DOMAIN\\user`` (down-level), ``user@domain`` (UPN) and a bare ``user``,
which takes the DNS domain of the Setup page. Domains are NetBIOS names
(one label, kept upper case) or DNS names (lower case); user names keep
the case they were typed in (AD compares them case-insensitively).
"""

from __future__ import annotations

import re

from core.discovery import check_dns_name
from core.errors import InvalidInput

FIELD = "user"
MAX_USER = 256
MAX_NETBIOS = 15
#: Characters AD refuses in account names (plus "@" and "\" which separate forms).
_BAD_USER = re.compile(r'["/\\\[\]:;|=,+*?<>@\x00-\x1f\x7f]')
_NETBIOS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

FORMS_HINT = "DOMAIN\\user, user@domain or user"


def parse_user(text: str, default_domain: str = "") -> tuple[str, str]:
    """Split a typed user name into ``(domain, user)``.

    A bare name takes ``default_domain``. Raises InvalidInput("user", …)
    saying which part is wrong.
    """
    raw = text.strip()
    if not raw:
        raise InvalidInput(FIELD, f"enter a user name ({FORMS_HINT})")
    if "\\" in raw:
        domain, _, user = raw.partition("\\")
        if "\\" in user:
            raise InvalidInput(FIELD, "use a single backslash: DOMAIN\\user")
        if "@" in user:
            raise InvalidInput(FIELD, "use either DOMAIN\\user or user@domain, not both")
        if not domain.strip():
            raise InvalidInput(FIELD, "the domain before the backslash is empty")
    elif "@" in raw:
        user, _, domain = raw.rpartition("@")
        if "@" in user:
            raise InvalidInput(FIELD, "a user name contains at most one @")
        if not user.strip():
            raise InvalidInput(FIELD, "the user name before @ is empty")
        if not domain.strip():
            raise InvalidInput(FIELD, "the domain after @ is empty")
    else:
        user, domain = raw, default_domain
        if not domain.strip():
            raise InvalidInput(FIELD, f"type the domain too: {FORMS_HINT}")
    return check_domain_part(domain), check_user_part(user)


def check_user_part(user: str) -> str:
    """The account part of a user name (without domain)."""
    name = user.strip()
    if not name:
        raise InvalidInput(FIELD, "the user name is empty")
    if len(name) > MAX_USER:
        raise InvalidInput(FIELD, f"a user name has at most {MAX_USER} characters")
    bad = _BAD_USER.search(name)
    if bad:
        ch = bad.group()
        what = repr(ch) if ch.isprintable() else "a control character"
        raise InvalidInput(FIELD, f"a user name cannot contain {what}")
    if name.endswith("."):
        raise InvalidInput(FIELD, "a user name cannot end with a period")
    return name


def check_domain_part(domain: str) -> str:
    """A NetBIOS domain (``LAB``) upper-cased, or a DNS domain lower-cased."""
    d = domain.strip()
    if "." in d.rstrip("."):
        return check_dns_name(d, FIELD)
    d = d.rstrip(".")
    if not d:
        raise InvalidInput(FIELD, "the domain is empty")
    if len(d) > MAX_NETBIOS or not _NETBIOS.match(d):
        raise InvalidInput(
            FIELD,
            f"domain {d!r} is neither a DNS name (lab.example.com) nor a NetBIOS name "
            f"(1 to {MAX_NETBIOS} letters, digits, hyphens or underscores)",
        )
    return d.upper()


def format_user(domain: str, user: str) -> str:
    """Canonical form: ``DOMAIN\\user`` for a NetBIOS domain, ``user@domain`` for DNS."""
    return f"{user}@{domain}" if "." in domain else f"{domain}\\{user}"


def canonical_user(text: str, default_domain: str = "") -> str:
    """Parse ``text`` and return its canonical form (see :func:`format_user`)."""
    return format_user(*parse_user(text, default_domain))


def same_user(a: str, b: str, default_domain: str = "") -> bool:
    """True when both texts name the same account in the same form of domain."""
    da, ua = parse_user(a, default_domain)
    db, ub = parse_user(b, default_domain)
    return da.lower() == db.lower() and ua.lower() == ub.lower()
