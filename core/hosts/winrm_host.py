"""HostControl over WinRM (pywinrm): the only module of core that imports winrm.

Each operation opens a shell, runs ``powershell -EncodedCommand <script>``,
reads stdout/stderr until the command is done or the operation's deadline
passes, and closes the shell. A ``Protocol`` per call keeps the object
stateless, so one WinrmHost may be used from several threads at once.
"""

from __future__ import annotations

import ipaddress
import math
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

import requests
import winrm.exceptions as wexc
from winrm.protocol import Protocol

from core.errors import AppmgrError, AuthFailed, InvalidInput, ProtocolError, Refused, Unreachable
from core.hosts.app_merge import app_ops, with_apps
from core.hosts.failures import parse_output, script_failure
from core.hosts.inventory import engine_from_json, path_results, server_from_inventory
from core.hosts.ops import OPS, encode_command, parse_script, render_script
from core.model.server import EngineInfo, Server
from core.ports import Credential

TRANSPORTS = ("ntlm", "basic", "kerberos", "credssp")
#: Seconds an operation may run on the host beyond the network timeout.
OP_BUDGET = {"inventory": 20.0, "path_exists": 10.0, "cluster_info": 20.0,
             "exchange_inventory": 20.0, "sql_inventory": 30.0, "sharepoint_inventory": 20.0,
             "bes_inventory": 10.0}
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
                 clock: Callable[[], float] = time.monotonic) -> None:
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
        self.label = f"{name} ({address})" if name else address
        #: the name the console asked for: a cluster network name answers as its virtual server
        self.name = "" if not name or _is_ip(name) else name.split(".", 1)[0].upper()
        self._clock = clock
        host = f"[{address}]" if ":" in address else address
        self.url = f"{scheme}://{host}:{port}/wsman"

    # --- HostControl ----------------------------------------------------------------
    def inventory(self) -> Server:
        """The host inventory, then the application operations its services call for
        (one round trip each), merged into one Server with ``apps`` filled."""
        base = server_from_inventory(self.run_op("inventory", {}))
        # only a cluster node answers for other names (its virtual servers); anywhere else
        # the name asked for may be an alias, and the applications know the host's own
        clustered = any(s.name.lower() == "clussvc" for s in base.services)
        name = (self.name or base.name) if clustered else base.name
        docs = {op: self.run_op(op, params) for op, params in app_ops(base.services, name)}
        return with_apps(base, name, docs)

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

    def add_share(self, name: str, path: str, description: str = "") -> None:
        _check_share_name(name)
        if len(path) < 3 or path[1:3] != ":\\" or not path[0].isalpha():
            raise InvalidInput("path", f"{path!r} is not a local Windows path like E:\\Shares\\Data")
        self.run_op("share_add", {"name": name, "path": path, "description": description})

    def remove_share(self, name: str) -> None:
        _check_share_name(name)
        self.run_op("share_remove", {"name": name})

    def run_op(self, op: str, params: dict[str, Any]) -> Any:
        """Run one named operation and return its parsed JSON output."""
        if op not in OPS:
            raise InvalidInput("op", f"there is no host operation named {op!r}")
        return self.run_script(render_script(op, params))

    # --- more operations ------------------------------------------------------------
    def engine_status(self) -> EngineInfo:
        return engine_from_json(self.run_op("engine_status", {}))

    def paths_exist(self, paths: Iterable[str]) -> dict[str, bool]:
        """Which of ``paths`` exist on the host (as many round trips as the size limit needs)."""
        result: dict[str, bool] = {}
        batch: list[str] = []
        for path in paths:
            try:
                render_script("path_exists", {"paths": [*batch, path]})
                batch.append(path)
            except InvalidInput:
                if not batch:
                    raise
                result |= path_results(self.run_op("path_exists", {"paths": batch}))
                batch = [path]
        if batch:
            result |= path_results(self.run_op("path_exists", {"paths": batch}))
        return result

    def run_script(self, script: str) -> Any:
        """Run a rendered script (see :func:`core.hosts.ops.render_script`); its JSON output."""
        op = parse_script(script)[0] or "script"
        budget = self.service_wait if op == "service_set" else OP_BUDGET.get(op, 0.0)
        stdout, stderr, code = self._execute(op, script, self.timeout + budget)
        if code != 0:
            raise script_failure(self.label, op, code, stderr)
        return parse_output(self.label, op, stdout)

    # --- transport --------------------------------------------------------------------
    def _protocol(self) -> Protocol:
        read = max(2, math.ceil(self.timeout))
        return Protocol(self.url, transport=self.transport,  # type: ignore[arg-type]
                        username=self.credential.user, password=self.credential.password,
                        server_cert_validation="validate" if self.cert_validation else "ignore",
                        ca_trust_path=self.ca_path,  # type: ignore[arg-type]
                        read_timeout_sec=read, operation_timeout_sec=read - 1,
                        proxy=None)  # WinRM goes straight to the server, never via HTTP_PROXY

    def _execute(self, op: str, script: str, budget: float) -> tuple[bytes, bytes, int]:
        deadline = self._clock() + budget
        proto: Protocol | None = None
        shell = command = None
        healthy = True
        try:
            proto = self._protocol()
            # 65001: the script's JSON may carry any character; the OEM code page would mangle it
            shell = proto.open_shell(codepage=65001, noprofile=True)
            command = proto.run_command(shell, "powershell", [
                "-NoProfile", "-NonInteractive", "-EncodedCommand", encode_command(script)])
            return self._receive(proto, shell, command, deadline, op, budget)
        except AppmgrError:
            raise
        except Exception as exc:  # noqa: BLE001 - every library failure becomes a typed error
            healthy = False
            raise self._translate(exc, op) from None
        finally:
            if proto is not None:
                self._cleanup(proto, shell, command, healthy)

    def _receive(self, proto: Protocol, shell: str, command: str, deadline: float, op: str,
                 budget: float) -> tuple[bytes, bytes, int]:
        out: list[bytes] = []
        err: list[bytes] = []
        while True:
            try:
                o, e, code, done = proto.get_command_output_raw(shell, command)
                out.append(o)
                err.append(e)
                if done:
                    return b"".join(out), b"".join(err), code
            except wexc.WinRMOperationTimeoutError:
                pass  # the host is still working; ask again until our own deadline
            if self._clock() >= deadline:
                raise Unreachable(f"{self.label} did not finish when asked to "
                                  f"{OPS.get(op, 'run a script')} within {budget:g} s")

    @staticmethod
    def _cleanup(proto: Protocol, shell: str | None, command: str | None, healthy: bool) -> None:
        # after a transport failure another request would only wait for the same timeout
        if healthy and shell is not None:
            if command is not None:
                with suppress(Exception):
                    proto.cleanup_command(shell, command)
            with suppress(Exception):
                proto.close_shell(shell)
        with suppress(Exception):
            proto.transport.close_session()

    def _translate(self, exc: Exception, op: str) -> AppmgrError:
        where = f"{self.label} on WinRM port {self.port}"
        if isinstance(exc, wexc.AuthenticationError):
            return AuthFailed(f"{self.label} rejected the user {self.credential.user}")
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


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _check_share_name(name: str) -> None:
    if not name or len(name) > 80 or any(c in _SHARE_BAD_CHARS or ord(c) < 32 for c in name):
        raise InvalidInput("share", f"{name!r} is not a valid share name "
                                    "(1-80 characters, none of \" / \\ [ ] : | < > + = ; , ? *)")
