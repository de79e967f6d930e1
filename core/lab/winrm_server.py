"""A lab server's WinRM endpoint: WS-Management over HTTP with Basic auth.

It serves ``POST /wsman`` on ``<ip>:<port>`` for pywinrm's remote shell
(Create, Command, Receive, Signal, Delete). A command must be
``powershell … -EncodedCommand <base64>`` carrying an appmgr host operation
(``# appmgr-op:`` header and a JSON parameter literal); it runs against the
server's simulated state (:mod:`core.lab.host_ops`). Anything else is answered
the way Windows would: a cmd.exe complaint, or a PowerShell CLIXML error with
exit code 1.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from core.errors import Refused
from core.hosts.clixml import format_error
from core.hosts.ops import decode_command, parse_script
from core.lab import wsman_soap as soap
from core.lab.estate import Estate
from core.lab.fix_ops import ZoneHook
from core.lab.host_ops import LabHost, PsFailure, ServiceHook
from core.lab.host_state import HostState
from core.lab.ip_ops import IpHook
from core.lab.wsman_http import WsmanHttpServer

MAX_SHELLS = 64
_ENCODED = "-encodedcommand"
Result = tuple[bytes, bytes, int]  # stdout, stderr, exit code


class LabWinrmServer:
    """The WinRM endpoint of one lab server; ``start()``/``stop()`` may repeat."""

    def __init__(self, estate: Estate, server_name: str, lab_root: Path, ip: str,
                 port: int = 5985, on_service: ServiceHook | None = None,
                 extra_ips: Sequence[str] = (), on_zone: ZoneHook | None = None,
                 latency: float = 0.0, on_ip: IpHook | None = None) -> None:
        self.estate = estate
        self.server = estate.server(server_name)
        self.lab_root = lab_root
        self.ip = ip
        #: every address it answers on: its own, then e.g. the cluster groups it owns
        self.ips = [ip, *(x for x in extra_ips if x != ip)]
        self.port = port
        self.on_service = on_service
        self.on_zone = on_zone
        self.on_ip = on_ip
        #: seconds each PowerShell command takes before it runs: 0 answers at once; a real
        #: server needs a few hundred ms to start powershell.exe (``lab up --host-latency``)
        self.latency = latency
        self.host: LabHost | None = None
        self._https: dict[str, tuple[WsmanHttpServer, threading.Thread]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._shells: dict[str, dict[str, Future[Result]]] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}/wsman"

    @property
    def running(self) -> bool:
        return bool(self._https)

    def start(self) -> None:
        """Load the server's state (persisted or from the estate) and start serving."""
        if self._https:
            return
        state = HostState.load(self.estate, self.server, self.lab_root)
        self.host = LabHost(self.estate, self.server, self.lab_root, self.ip, state,
                            self.on_service, self.on_zone, self.on_ip)
        self._pool = ThreadPoolExecutor(16, thread_name_prefix=f"lab-ps-{self.server.name}")
        try:
            for ip in self.ips:
                self.serve(ip)
        except Refused:
            self.stop()
            raise

    def serve(self, ip: str) -> None:
        """Answer on one more address (a cluster group coming online on this node)."""
        if ip in self._https:
            return
        try:
            http = WsmanHttpServer((ip, self.port), self)
        except OSError as exc:
            raise Refused(f"cannot serve WinRM for {self.server.name} on {ip}:{self.port}: "
                          f"{exc.strerror or exc}") from exc
        thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"lab-winrm-{self.server.name}-{ip}", daemon=True)
        thread.start()
        self._https[ip] = (http, thread)
        if ip not in self.ips:
            self.ips.append(ip)

    def unserve(self, ip: str) -> None:
        """Stop answering on one address and drop its connections."""
        entry = self._https.pop(ip, None)
        if ip in self.ips and ip != self.ip:
            self.ips.remove(ip)
        if entry is not None:
            _close(*entry)

    def stop(self) -> None:
        """Stop serving and drop open connections: a real outage for the console."""
        if self.host is not None:
            self.host.stopped.set()
        https, self._https = self._https, {}
        for entry in https.values():
            _close(*entry)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        with self._lock:
            self._shells.clear()

    # --- authentication ------------------------------------------------------------------
    def authorized(self, header: str | None) -> bool:
        """HTTP Basic with the estate's admin in any accepted form, right password."""
        if not header or header[:6].lower() != "basic ":
            return False
        try:
            user, sep, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        ok_password = hmac.compare_digest(password.encode(), self.estate.admin_password.encode())
        return bool(sep) and self._is_admin(user) and ok_password

    def _is_admin(self, user: str) -> bool:
        est = self.estate
        account = est.admin_user.rsplit("\\", 1)[-1].lower()
        domains = {est.netbios.lower(), est.domain.lower()}
        user = user.strip().lower()
        if "\\" in user:
            dom, _, name = user.partition("\\")
            return dom in domains and name == account
        if "@" in user:
            name, _, dom = user.rpartition("@")
            return dom in domains and name == account
        return user == account

    # --- WS-Management -------------------------------------------------------------------
    def handle(self, body: bytes) -> tuple[int, bytes]:
        """One SOAP request -> (HTTP status, SOAP response)."""
        try:
            req = soap.parse_request(body)
        except soap.SoapError as exc:
            return 500, soap.fault(None, soap.FAULT_INVALID, str(exc), "w:SchemaValidationError")
        if req.action == soap.ACTION_CREATE:
            shell_id = str(uuid.uuid4()).upper()
            with self._lock:
                while len(self._shells) >= MAX_SHELLS:  # a console that never closes its shells
                    self._shells.pop(next(iter(self._shells)))
                self._shells[shell_id] = {}
            return 200, soap.create_response(req, shell_id, self.url)
        with self._lock:
            commands = self._shells.get(req.shell_id)
        if commands is None:
            return 500, soap.fault(req, soap.FAULT_SHELL_NOT_FOUND,
                                   f"The request for the Windows Remote Shell with ShellId "
                                   f"{req.shell_id} failed because the shell was not found "
                                   "on the server.")
        pool = self._pool
        if req.action == soap.ACTION_COMMAND and pool is not None:
            command_id = str(uuid.uuid4()).upper()
            line = " ".join([req.command, *req.arguments])
            commands[command_id] = pool.submit(self.execute, line)
            return 200, soap.command_response(req, command_id)
        if req.action == soap.ACTION_RECEIVE:
            future = commands.get(req.command_id)
            if future is None:
                return 500, soap.fault(req, soap.FAULT_INVALID,
                                       f"The command {req.command_id} does not exist.")
            try:
                # like Windows: hold the Receive until output or the client's OperationTimeout
                result = future.result(max(0.2, req.operation_timeout - 0.5))
            except FutureTimeout:
                return 500, soap.fault(req, soap.FAULT_OPERATION_TIMEOUT,
                                       "The WS-Management service cannot complete the operation "
                                       "within the time specified in OperationTimeout.",
                                       "w:TimedOut")
            return 200, soap.receive_response(req, req.command_id, *result)
        if req.action == soap.ACTION_SIGNAL:
            future = commands.pop(req.command_id, None)
            if future is not None:
                future.cancel()  # a running lab operation finishes on its own
            return 200, soap.signal_response(req)
        if req.action == soap.ACTION_DELETE:
            with self._lock:
                self._shells.pop(req.shell_id, None)
            return 200, soap.delete_response(req)
        return 500, soap.fault(req, soap.FAULT_ACTION_NOT_SUPPORTED,
                               f"The action {req.action} is not supported by the lab.",
                               "a:ActionNotSupported")

    def execute(self, command_line: str) -> Result:
        """Run one shell command line: (stdout, stderr, exit code)."""
        if self.latency > 0:
            time.sleep(self.latency)
        tokens = command_line.split()
        if not tokens:
            return b"", b"", 0
        exe = tokens[0].strip('"').replace("/", "\\").rsplit("\\", 1)[-1].lower()
        if exe not in ("powershell", "powershell.exe"):
            return b"", (f"'{tokens[0]}' is not recognized as an internal or external command,"
                         "\r\noperable program or batch file.\r\n").encode(), 1
        encoded = next((tokens[i + 1] for i, t in enumerate(tokens[1:-1], 1)
                        if t.lower() == "-ec" or (len(t) > 1 and _ENCODED.startswith(t.lower()))),
                       None)
        try:
            if encoded is None:
                raise PsFailure("The lab runs only encoded appmgr operations "
                                "(powershell -EncodedCommand <base64>).",
                                "NotImplemented", "NotSupportedException")
            try:
                script = decode_command(encoded)
            except ValueError:
                raise PsFailure("Cannot process the command because the value specified with "
                                "-EncodedCommand is not properly encoded.", "InvalidData",
                                "ParameterBindingException") from None
            return self.run_script(script)
        except PsFailure as failure:
            return b"", failure.clixml(), 1

    def run_script(self, script: str) -> Result:
        op, params = parse_script(script)
        if op is None:
            raise PsFailure("The lab runs only appmgr host operations (a script whose first "
                            "line is '# appmgr-op: <name>').", "NotImplemented",
                            "NotSupportedException")
        if params is None:
            raise PsFailure("The operation's parameters are not a JSON object "
                            "($p = ConvertFrom-Json '<json>').", "InvalidArgument",
                            "ArgumentException")
        assert self.host is not None
        try:
            result: Any = self.host.run(op, params)
        except PsFailure:
            raise
        except Exception as exc:  # a lab bug must look like a failed script, not a dead server
            return b"", format_error(f"The lab failed to run {op}: {type(exc).__name__}: {exc}"), 1
        return (json.dumps(result, separators=(",", ":")) + "\r\n").encode("utf-8"), b"", 0


def _close(http: WsmanHttpServer, thread: threading.Thread) -> None:
    http.shutdown()
    http.close_connections()
    http.server_close()
    thread.join(5)
