"""HostControl over WinRM (pywinrm); with :mod:`core.hosts.winrm_shell` the only modules of
core that import winrm.

An operation runs ``powershell -EncodedCommand <script>`` in a remote shell
and reads stdout/stderr until the command is done or the operation's deadline
passes. A shell (with its own ``Protocol`` and HTTP session) lives for one
call: one operation, or an inventory's base read and its application reads
in a row — every request costs the console CPU (SOAP building, HTTP), so the
shell is not opened and closed per operation. Nothing is shared between
calls, so one WinrmHost may be used from several threads at once.
"""

from __future__ import annotations

import math
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

import requests
import winrm.exceptions as wexc
from winrm.protocol import Protocol

from core.dns.names import is_ip
from core.errors import AppmgrError, AuthFailed, InvalidInput, ProtocolError, Refused, Unreachable
from core.hosts.app_merge import app_ops, exchange_doc, with_apps
from core.hosts.inventory import engine_from_json, path_results, server_from_inventory
from core.hosts.ops import OPS, render_script
from core.hosts.winrm_shell import WinrmShell
from core.model.server import EngineInfo, Server
from core.ports import Credential, Directory

TRANSPORTS = ("ntlm", "basic", "kerberos", "credssp")
_SHARE_BAD_CHARS = set('"/\\[]:|<>+=;,?*')


class WinrmHost:
    """PowerShell host operations on one Windows server (implements HostControl).

    ``timeout`` bounds every HTTP request; a whole operation may additionally
    run for its budget on the host (``service_wait`` for service changes).
    ``name`` only makes error sentences read "FS01 (10.0.0.11) …". ``ca_path`` is a CA
    bundle for https (default: ``REQUESTS_CA_BUNDLE``, else the system's).
    """

    def __init__(self, address: str, credential: Credential, port: int = 5985,
                 transport: str = "ntlm", scheme: str = "http", timeout: float = 10.0,
                 cert_validation: bool = True, *, name: str = "", service_wait: float = 30.0,
                 ca_path: str | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 directory: Callable[[], Directory] | None = None) -> None:
        if transport not in TRANSPORTS:
            raise InvalidInput("transport", f"{transport!r} is not one of {', '.join(TRANSPORTS)}")
        if scheme not in ("http", "https"):
            raise InvalidInput("scheme", "WinRM speaks http (5985) or https (5986)")
        if not credential.user or not credential.password:
            raise InvalidInput("credential", "WinRM needs a user name and a password")
        self.address = address
        self.credential = credential
        self.port = port
        self.transport = transport
        self.scheme = scheme
        self.timeout = timeout
        self.cert_validation = cert_validation
        self.service_wait = service_wait
        # pywinrm reads these itself with a deprecation warning; read them explicitly
        self.ca_path = ca_path or os.environ.get("REQUESTS_CA_BUNDLE") or \
            os.environ.get("CURL_CA_BUNDLE") or None
        # a server asked for by its address is named once ("10.0.0.5", not "10.0.0.5 (10.0.0.5)")
        self.label = f"{name} ({address})" if name and name != address else address
        #: the name the console asked for: a cluster network name answers as its virtual server
        self.name = "" if not name or is_ip(name) else name.split(".", 1)[0].upper()
        self._clock = clock
        #: opens the console's directory: Exchange's configuration is read there, not on
        #: the host (ADSI in a WinRM session cannot reach a DC: the double hop)
        self.directory = directory
        host = f"[{address}]" if ":" in address else address
        self.url = f"{scheme}://{host}:{port}/wsman"

    # --- HostControl ----------------------------------------------------------------
    def inventory(self) -> Server:
        """The host inventory, then the application operations its services call for
        (one round trip each), merged into one Server with ``apps`` filled."""
        with self._shell() as shell:
            base = server_from_inventory(shell.run_op("inventory", {}))
            # only a cluster node answers for other names (its virtual servers); anywhere else
            # the name asked for may be an alias, and the applications know the host's own
            clustered = any(s.name.lower() == "clussvc" for s in base.services)
            name = (self.name or base.name) if clustered else base.name
            docs = {op: shell.run_op(op, params) for op, params in app_ops(base.services, name)}
        if "exchange_inventory" in docs:
            docs["exchange_inventory"] = exchange_doc(docs["exchange_inventory"],
                                                      self._exchange_config(name))
        return with_apps(base, name, docs)

    def _exchange_config(self, name: str) -> dict[str, Any] | None:
        """The directory half of the Exchange inventory, over the console's LDAP (None
        without a directory: then the server reads as having no Exchange)."""
        if self.directory is None:
            return None
        d = self.directory()
        try:
            return d.exchange_config(name)
        finally:
            d.close()

    def set_service(self, name: str, running: bool) -> None:
        if not name.strip() or any(c in name for c in "*?[]"):
            # Get-Service treats these as wildcards: one call must name exactly one service
            raise InvalidInput("service", f"{name!r} is not a service name")
        out = self.run_op("service_set", {"name": name, "running": running,
                                          "timeout": max(1, int(self.service_wait))})
        want = "running" if running else "stopped"
        state = str(out.get("state", "")).lower() if isinstance(out, dict) else ""
        if state != want:
            raise Refused(f"{self.label} left service {name} {state or 'in an unknown state'}, "
                          f"not {want}")

    def add_share(self, name: str, path: str, description: str = "",
                  grants: tuple[str, ...] = ()) -> None:
        _check_share_name(name)
        if len(path) < 3 or path[1:3] != ":\\" or not path[0].isalpha():
            raise InvalidInput("path", f"{path!r} is not a local Windows path like E:\\Shares\\Data")
        self.run_op("share_add", {"name": name, "path": path, "description": description,
                                  "grants": list(grants)})

    def remove_share(self, name: str) -> None:
        _check_share_name(name)
        self.run_op("share_remove", {"name": name})

    def run_op(self, op: str, params: dict[str, Any]) -> Any:
        """Run one named operation and return its parsed JSON output."""
        with self._shell() as shell:
            return shell.run_op(op, params)

    # --- more operations ------------------------------------------------------------
    def engine_status(self) -> EngineInfo:
        return engine_from_json(self.run_op("engine_status", {}))

    def paths_exist(self, paths: Iterable[str]) -> dict[str, bool]:
        """Which of ``paths`` exist on the host (as many round trips as the size limit needs)."""
        result: dict[str, bool] = {}
        batch: list[str] = []
        with self._shell() as shell:
            for path in paths:
                try:
                    render_script("path_exists", {"paths": [*batch, path]})
                    batch.append(path)
                except InvalidInput:
                    if not batch:
                        raise
                    result |= path_results(shell.run_op("path_exists", {"paths": batch}))
                    batch = [path]
            if batch:
                result |= path_results(shell.run_op("path_exists", {"paths": batch}))
        return result

    def run_script(self, script: str) -> Any:
        """Run a rendered script (see :func:`core.hosts.ops.render_script`); its JSON output."""
        with self._shell() as shell:
            return shell.run_script(script)

    def _shell(self) -> WinrmShell:
        return WinrmShell(self)

    # --- transport --------------------------------------------------------------------
    def _protocol(self) -> Protocol:
        read = max(2, math.ceil(self.timeout))
        return Protocol(self.url, transport=self.transport,  # type: ignore[arg-type]
                        username=self.credential.user, password=self.credential.password,
                        server_cert_validation="validate" if self.cert_validation else "ignore",
                        ca_trust_path=self.ca_path,  # type: ignore[arg-type]
                        read_timeout_sec=read, operation_timeout_sec=read - 1,
                        proxy=None)  # WinRM goes straight to the server, never via HTTP_PROXY

    def _translate(self, exc: Exception, op: str) -> AppmgrError:
        where = f"{self.label} on WinRM port {self.port}"
        if isinstance(exc, wexc.AuthenticationError):
            # NTLM and Basic say only "401": the password, the account or both
            return AuthFailed(f"{self.label} refused the password or the account "
                              f"{self.credential.user} (a wrong password, or an unknown, "
                              "disabled or locked account)")
        if isinstance(exc, requests.exceptions.SSLError):
            return ProtocolError(f"{where} presented a certificate that could not be verified")
        if isinstance(exc, requests.exceptions.Timeout):
            return Unreachable(f"{self.label} did not answer on WinRM port {self.port} "
                               f"within {self.timeout:g} s")
        if isinstance(exc, requests.exceptions.ConnectionError):
            text = str(exc).lower()
            if "refused" in text:
                return Unreachable(f"{self.label} refused the connection on WinRM port "
                                   f"{self.port} (is WinRM enabled and the server up?)")
            if "name or service" in text or "getaddrinfo" in text or "nodename" in text:
                return Unreachable(f"{self.label} cannot be resolved to an address")
            return Unreachable(f"{where} cannot be reached")
        if isinstance(exc, requests.exceptions.RequestException):
            return Unreachable(f"{where} cannot be reached")
        if isinstance(exc, wexc.WSManFaultError):
            reason = " ".join(str(exc.reason).split())
            return Refused(f"{self.label} refused to {OPS.get(op, 'run a script')}: {reason}")
        if isinstance(exc, wexc.WinRMTransportError):
            if exc.code == 404:
                return ProtocolError(f"{where} has no WinRM service at {self.url}")
            return ProtocolError(f"{where} answered HTTP {exc.code}")
        if isinstance(exc, wexc.WinRMError):
            return ProtocolError(f"cannot talk WinRM to {self.label}: {exc}")
        if isinstance(exc, (ET.ParseError, StopIteration, AssertionError, KeyError, ValueError)):
            return ProtocolError(f"{where} answered something that is not WS-Management")
        return ProtocolError(f"WinRM to {self.label} failed: {type(exc).__name__}")


def _check_share_name(name: str) -> None:
    if not name or len(name) > 80 or any(c in _SHARE_BAD_CHARS or ord(c) < 32 for c in name):
        raise InvalidInput("share", f"{name!r} is not a valid share name "
                                    "(1-80 characters, none of \" / \\ [ ] : | < > + = ; , ? *)")
