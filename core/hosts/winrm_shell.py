"""One remote shell on a Windows server, for a row of operations (pywinrm).

Opening a shell, the command, the reads and the closing are each a SOAP
request whose building and parsing the console pays in CPU; a health check
of twenty pairs makes hundreds of them. So a shell is opened at the first
command and kept for the calls of one WinrmHost method (an inventory's base
read and its application reads), and a command that finished is not
signalled: deleting the shell ends it. A command that is still running when
its deadline passes (or fails half-way) is terminated.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from winrm.exceptions import WinRMOperationTimeoutError
from winrm.protocol import Protocol

from core.errors import AppmgrError, InvalidInput, Unreachable
from core.hosts.failures import parse_output, script_failure
from core.hosts.ops import CLUSTER_WAIT, OPS, encode_command, parse_script, render_script

if TYPE_CHECKING:
    from core.hosts.winrm_host import WinrmHost

#: Seconds an operation may run on the host beyond the network timeout.
OP_BUDGET = {"inventory": 20.0, "path_exists": 10.0, "cluster_info": 20.0,
             "exchange_inventory": 20.0, "sql_inventory": 30.0, "sharepoint_inventory": 20.0,
             "bes_inventory": 10.0, "wmi_check": 10.0, "app_services": 10.0,
             # cluster.exe /online and /offline wait up to CLUSTER_WAIT each (an Exchange
             # resource may take minutes); a create may do both (its own undo)
             "cluster_resource": 2 * CLUSTER_WAIT + 30.0,
             # Verify Target Data copies a database or store and checks every page
             # (sql_verify's DBCC CHECKDB has a CommandTimeout of 3600 s)
             "sql_verify": 3600.0, "exchange_verify": 3600.0}


class WinrmShell:
    """A context manager: ``with host._shell() as sh: sh.run_op(...); sh.run_op(...)``."""

    def __init__(self, host: WinrmHost) -> None:
        self.host = host
        self._proto: Protocol | None = None
        self._shell_id: str | None = None
        self._healthy = True

    def __enter__(self) -> WinrmShell:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run_op(self, op: str, params: dict[str, Any]) -> Any:
        """Run one named operation and return its parsed JSON output."""
        if op not in OPS:
            raise InvalidInput("op", f"there is no host operation named {op!r}")
        return self.run_script(render_script(op, params))

    def run_script(self, script: str) -> Any:
        """Run a rendered script (see :func:`core.hosts.ops.render_script`); its JSON output."""
        host = self.host
        op = parse_script(script)[0] or "script"
        budget = host.service_wait if op == "service_set" else OP_BUDGET.get(op, 0.0)
        stdout, stderr, code = self._execute(op, script, host.timeout + budget)
        if code != 0:
            raise script_failure(host.label, op, code, stderr)
        return parse_output(host.label, op, stdout)

    def _open(self) -> tuple[Protocol, str]:
        if self._proto is None or self._shell_id is None:
            self._proto = self.host._protocol()
            # the session is built now so that requests stops reading proxy variables from
            # the environment on every request (pywinrm already set no proxy)
            self._proto.transport.build_session().trust_env = False
            # 65001: the script's JSON may carry any character; the OEM code page would mangle it
            self._shell_id = self._proto.open_shell(codepage=65001, noprofile=True)
        return self._proto, self._shell_id

    def _execute(self, op: str, script: str, budget: float) -> tuple[bytes, bytes, int]:
        deadline = self.host._clock() + budget
        command: str | None = None
        finished = False
        try:
            proto, shell = self._open()
            command = proto.run_command(shell, "powershell", [
                "-NoProfile", "-NonInteractive", "-EncodedCommand", encode_command(script)])
            result = self._receive(proto, shell, command, deadline, op, budget)
            finished = True
            return result
        except AppmgrError:
            raise
        except Exception as exc:  # noqa: BLE001 - every library failure becomes a typed error
            self._healthy = False
            raise self.host._translate(exc, op) from None
        finally:
            if (command is not None and not finished and self._healthy and self._proto
                    and self._shell_id is not None):
                with suppress(Exception):  # stop what still runs on the host
                    self._proto.cleanup_command(self._shell_id, command)

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
            except WinRMOperationTimeoutError:
                pass  # the host is still working; ask again until our own deadline
            if self.host._clock() >= deadline:
                raise Unreachable(f"{self.host.label} did not finish when asked to "
                                  f"{OPS.get(op, 'run a script')} within {budget:g} s")

    def close(self) -> None:
        """Delete the shell (ending its commands) and drop the HTTP session."""
        proto, shell = self._proto, self._shell_id
        self._proto = self._shell_id = None
        if proto is None:
            return
        # after a transport failure another request would only wait for the same timeout
        if self._healthy and shell is not None:
            with suppress(Exception):
                proto.close_shell(shell)
        with suppress(Exception):
            proto.transport.close_session()
