"""The log viewer (SPEC F-13): the verbose log and the DFO, failover and Exchange logs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.errors import InvalidInput
from core.logs import log_action, read_verbose_log, tail_lines
from core.store import check_pair_name

if TYPE_CHECKING:
    from core.console.session import Session


class LogsService:
    """The last lines of one log; a line in the verbose log."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def log_text(self, kind: str, server: str | None = None, lines: int = 500) -> str:
        logs = self.s.ctx.paths.logs
        if kind == "verbose":
            return "\n".join(read_verbose_log(logs, lines))
        if kind in ("dfo", "failover", "exchange"):
            if not server:
                raise InvalidInput("server", f"name the server whose {kind.upper()} log to show")
            path = logs / kind / f"{check_pair_name(server).upper()}.log"
            if not path.exists():
                return f"(no {kind.upper()} log for {server.upper()} yet)"
            return "\n".join(tail_lines(path, lines))
        raise InvalidInput("log", f"unknown log {kind!r}: choose verbose, dfo, failover or "
                                  "exchange")

    def log_action(self, text: str, **fields: Any) -> None:
        """Write what the user did (``text`` and ``key=value`` fields) to the verbose log."""
        log_action(text, **fields)
