"""Per-domain connection settings (issue 14): which DC, which TLS mode, which CA file.

Kept in ``<config>/domains.json``, versioned (ARCHITECTURE rule 7)::

    {"version": 1, "current": "lab.example.com",
     "domains": {"lab.example.com": {"user": "Administrator@lab.example.com",
                 "dc": "dc1.lab.example.com:636", "tls": "ldaps",
                 "ca_file": "/etc/appmgr/lab-ca.pem", "timeout": 5}}}

The password is never here: the keyring holds it (kind ``domain``). ``dc`` empty
means "find the controllers in DNS" (DC locator). Old sources are still read
where the file says nothing: ``config/domain.txt`` (the domain) and the
``APPMGR_LDAP_CA`` environment variable (the CA file); ``domain login`` writes
the file, which then wins.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.dns.names import fqdn, is_ip
from core.errors import InvalidInput

log = logging.getLogger("appmgr.settings")

FILE_NAME = "domains.json"
VERSION = 1
OLD_DOMAIN_FILE = "domain.txt"
OLD_CA_ENV = "APPMGR_LDAP_CA"
TLS_MODES = ("starttls", "ldaps")
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class DomainConnection:
    """How to reach one domain's directory (no secret here)."""

    domain: str
    user: str = ""
    dc: str = ""  # HOST or HOST:PORT; "" = the domain's controllers from DNS
    tls: str = "starttls"
    ca_file: str = ""  # "" = the system's trust store
    timeout: float = DEFAULT_TIMEOUT

    @property
    def host(self) -> str:
        """What to connect to: the DC named, else the domain (its controllers are located)."""
        return split_dc(self.dc)[0] or self.domain

    @property
    def port(self) -> int | None:
        return split_dc(self.dc)[1]

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "dc": self.dc, "tls": self.tls, "ca_file": self.ca_file,
                "timeout": self.timeout}


def split_dc(text: str) -> tuple[str, int | None]:
    """``dc1.lab.example.com:636`` -> (host, 636); ``""`` -> ("", None). Raises InvalidInput."""
    text = text.strip()
    if not text:
        return "", None
    host, sep, port = text.rpartition(":")
    if not sep or ":" in host:  # no port, or a bare IPv6 address
        host, port = text, ""
    host = host.strip("[]")
    if not is_ip(host):
        host = fqdn(host, "dc").rstrip(".")
    if not port:
        return host, None
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise InvalidInput("dc", f"port {port!r} must be a whole number from 1 to 65535 "
                                 "(HOST or HOST:PORT)")
    return host, int(port)


def check_tls(mode: str) -> str:
    value = mode.strip().lower()
    if value not in TLS_MODES:
        raise InvalidInput("tls", "choose ldaps (port 636) or starttls (port 389)")
    return value


def check_ca_file(path: str) -> str:
    """An absolute path to a readable PEM file holding a certificate, or "" for none."""
    text = path.strip()
    if not text:
        return ""
    p = Path(text).expanduser().resolve()
    if not p.is_file():
        raise InvalidInput("ca", f"{p} does not exist or is not a file: give the domain's CA "
                                 "certificate (PEM)")
    try:
        head = p.read_bytes()[:1 << 20]
    except OSError as exc:
        raise InvalidInput("ca", f"{p} cannot be read ({exc.strerror or exc})") from None
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise InvalidInput("ca", f"{p} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    return str(p)


def check_timeout(value: float) -> float:
    if not 1 <= value <= 120:
        raise InvalidInput("timeout", "must be from 1 to 120 seconds")
    return float(value)


class DomainSettings:
    """The file above, read at each call (the console and a CLI command may both write it)."""

    def __init__(self, config_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.path = config_dir / FILE_NAME
        self._old_domain = config_dir / OLD_DOMAIN_FILE
        self._env = os.environ if env is None else env

    def _read(self) -> dict[str, Any]:
        try:
            data = read_json(self.path, None)
        except (OSError, ValueError):
            log.warning("cannot read %s; using no domain settings", self.path)
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("domains", {}), dict):
            return {}
        if int(data.get("version", VERSION) or VERSION) > VERSION:
            log.warning("%s was written by a newer appmgr; reading what this one knows", self.path)
        return data

    def exists(self) -> bool:
        """Something configures the domain (this file, or the old domain.txt)."""
        return self.path.exists() or self._old_domain.exists()

    def current(self) -> str:
        """The domain last logged in to; else the old domain.txt's; else ""."""
        name = str(self._read().get("current") or "")
        if not name and self._old_domain.exists():
            name = self._old_domain.read_text("utf-8").strip()
        return name.lower()

    def domains(self) -> list[str]:
        return sorted(self._read().get("domains", {}))

    def connection(self, domain: str) -> DomainConnection:
        """The saved settings of ``domain``; defaults (and the old CA variable) otherwise."""
        name = domain.strip().lower()
        raw = self._read().get("domains", {}).get(name)
        if not isinstance(raw, dict):
            return DomainConnection(name, ca_file=self._env.get(OLD_CA_ENV, "").strip())
        try:
            timeout = check_timeout(float(raw.get("timeout", DEFAULT_TIMEOUT)))
        except (TypeError, ValueError, InvalidInput):
            timeout = DEFAULT_TIMEOUT
        tls = str(raw.get("tls", "starttls"))
        return DomainConnection(name, user=str(raw.get("user", "")), dc=str(raw.get("dc", "")),
                                tls=tls if tls in TLS_MODES else "starttls",
                                ca_file=str(raw.get("ca_file", "")), timeout=timeout)

    def save(self, conn: DomainConnection, *, current: bool = True) -> None:
        data = self._read()
        domains = dict(data.get("domains", {}))
        domains[conn.domain] = conn.to_json()
        self._write(data.get("current", "") if not current else conn.domain, domains)

    def forget_user(self, domain: str) -> DomainConnection:
        """After logout: the DC, TLS and CA settings stay, the user name goes."""
        conn = dataclasses.replace(self.connection(domain), user="")
        data = self._read()
        if conn.domain in data.get("domains", {}):
            domains = dict(data["domains"])
            domains[conn.domain] = conn.to_json()
            self._write(str(data.get("current", "")), domains)
        return conn

    def _write(self, current: str, domains: dict[str, Any]) -> None:
        write_json(self.path, {"version": VERSION, "current": current, "domains": domains},
                   mode=0o600)
