"""Setup (SPEC F-5.1–5.3): the default domain, domain-name rules, discovery.

Discovery speaks only to the :class:`core.ports.Directory` port; the lab and
a real AD are the same to it.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable

from core.errors import InvalidInput
from core.model.apps import APP_IDS
from core.ports import Directory, DirectoryComputer

#: Application ids (SPEC F-1), as the ``--exchange`` … flags name them.
APPS = APP_IDS

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_LABEL_CHARS = re.compile(r"[^a-z0-9-]")


def check_label(label: str, field: str = "domain", what: str = "label") -> str:
    """One DNS label (RFC 1123 host rules), lower case; InvalidInput otherwise."""
    low = label.lower()
    if not low:
        raise InvalidInput(field, "a name cannot contain empty labels (two dots in a row, or a leading dot)")
    if len(low) > 63:
        raise InvalidInput(field, f"{what} {label!r} is longer than 63 characters")
    bad = _LABEL_CHARS.search(low)
    if bad:
        raise InvalidInput(
            field, f"{what} {label!r} contains {bad.group()!r}: only letters, digits and hyphens are allowed"
        )
    if not _LABEL.match(low):
        raise InvalidInput(field, f"{what} {label!r} cannot start or end with a hyphen")
    return low


def check_dns_name(name: str, field: str = "domain", *, min_labels: int = 1) -> str:
    """A DNS name (no trailing dot, lower case) whose labels follow the host rules."""
    text = name.strip()
    if text.endswith("."):
        text = text[:-1]
    if not text:
        raise InvalidInput(field, "enter a name such as lab.example.com")
    if len(text) > 253:
        raise InvalidInput(field, "a DNS name has at most 253 characters")
    labels = [check_label(lab, field) for lab in text.split(".")]
    if len(labels) < min_labels:
        raise InvalidInput(
            field,
            f"{text!r} has no suffix: enter the full DNS name of the domain, such as {text.lower()}.example.com",
        )
    if len(labels) > 1 and labels[-1].isdigit():
        raise InvalidInput(field, "the last label cannot be all digits (that looks like an IP address)")
    return ".".join(labels)


def check_domain_name(name: str) -> str:
    """Validate a domain typed on the Setup page (F-5.1); returns it normalised.

    Single-label names (``LAB``) are refused: AD domains on the console must be
    DNS names with a suffix.
    """
    return check_dns_name(name, "domain", min_labels=2)


def default_domain(lab_domain: str | None = None, *, getfqdn: Callable[[], str] = socket.getfqdn) -> str:
    """The domain prefilled on Setup: the lab's in lab mode, else this host's DNS domain.

    Returns ``""`` when the admin host has no DNS domain (the user types one).
    """
    if lab_domain:
        return lab_domain.lower()
    fqdn = (getfqdn() or "").strip().rstrip(".").lower()
    _, _, domain = fqdn.partition(".")
    if not domain:
        return ""
    try:
        return check_domain_name(domain)
    except InvalidInput:
        return ""


def check_app(app: str) -> str:
    """An application id of SPEC F-1 (case-insensitive)."""
    low = app.strip().lower()
    if low not in APPS:
        raise InvalidInput("application", f"unknown application {app!r}; choose one of {', '.join(APPS)}")
    return low


def discover(directory: Directory, app: str, *,
             include_disabled: bool = False) -> list[DirectoryComputer]:
    """Servers of the domain offered for ``app`` (Advanced Find), sorted by name.

    Cluster nodes are hidden, virtual servers listed (F-5.2), disabled computer
    accounts hidden unless ``include_disabled`` (then marked). Every application
    sees all servers of the domain here; the per-application queries (Exchange
    objects, MSSQLSvc SPNs) are the application modules' ``discover``.
    """
    check_app(app)
    found = [c for c in directory.servers() if not c.is_cluster_node
             and (include_disabled or not c.disabled)]
    unique: dict[str, DirectoryComputer] = {}
    for c in found:
        unique.setdefault(c.name, c)
    return sorted(unique.values(), key=lambda c: c.name)
