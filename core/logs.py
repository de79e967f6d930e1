"""The verbose log (SPEC F-4, F-13): user actions and remote operations.

Stdlib logging under the ``appmgr`` logger. :class:`VerboseLogHandler` writes
``appmgr.verbose.log`` in the logs directory; when the next line would take
it past the size limit it is renamed ``appmgr.verbose.prev.log`` (replacing
the previous one) and a new file starts. Every line passes :func:`redact`,
a defence in depth: secrets should never reach a log call in the first
place (rule 6), but anything that looks like ``password=…`` is masked anyway.
``--debug`` lowers the level so adapters' protocol detail
(``appmgr.protocol.*`` at DEBUG) is written too.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VERBOSE_LOG = "appmgr.verbose.log"
PREV_LOG = "appmgr.verbose.prev.log"
ROOT = "appmgr"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MASK = "***"

_SECRET_WORD = r"[\w.-]*(?:password|passwd|pwd|passphrase|secret|token|keyring_key)[\w.-]*"
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # key=value, key: value, "key": "value" (JSON), key='value'
    (re.compile(rf"(?i)(\b{_SECRET_WORD})([\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&}}\]]+)"),
     lambda m: m.group(1) + m.group(2) + _mask_value(m.group(3))),
    # PowerShell style: -Password 'x'
    (re.compile(r"(?i)(-(?:password|passphrase|secret|credential)\w*)(\s+)(\"[^\"]*\"|'[^']*'|\S+)"),
     lambda m: m.group(1) + m.group(2) + _mask_value(m.group(3))),
    # HTTP Authorization headers (WinRM basic auth in --debug output)
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)((?:basic|negotiate|ntlm|kerberos|bearer)\s+)?([^\s\"',]+)"),
     lambda m: m.group(1) + (m.group(2) or "") + MASK),
    # user:password@ in URLs
    (re.compile(r"(\b[a-z][\w+.-]*://[^/\s:@]+:)([^@\s/]+)@"), lambda m: m.group(1) + MASK + "@"),
]


def _mask_value(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[0] + MASK + value[0]
    return MASK


def redact(text: str) -> str:
    """``text`` with anything that looks like a secret replaced by ``***``."""
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactFilter(logging.Filter):
    """Masks secrets in a record's message (for handlers that are not ours)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Masks secrets in the whole formatted line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class VerboseLogHandler(logging.handlers.RotatingFileHandler):
    """``appmgr.verbose.log`` rotated once to ``appmgr.verbose.prev.log``."""

    def __init__(self, logs_dir: Path, max_bytes: int) -> None:
        logs_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(logs_dir / VERBOSE_LOG, maxBytes=max_bytes, backupCount=1,
                         encoding="utf-8", delay=True)
        prev = str(logs_dir / PREV_LOG)
        self.namer = lambda _default: prev
        self.setFormatter(RedactingFormatter(FORMAT))

    def set_max_bytes(self, max_bytes: int) -> None:
        with self.lock:  # type: ignore[union-attr]
            self.maxBytes = max(1, max_bytes)

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 - stdlib name
        # Never rotate an empty file (one line bigger than the limit would
        # otherwise push an empty log into prev and lose the real one).
        if not _nonempty(self.baseFilename):
            return False
        return bool(super().shouldRollover(record))


def _nonempty(path: str) -> bool:
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


def level_for(verbose: bool, debug: bool) -> int:
    if debug:
        return logging.DEBUG
    return logging.INFO if verbose else logging.WARNING


def setup_logging(logs_dir: Path, *, max_bytes: int = 1024 * 1024, verbose: bool = True,
                  debug: bool = False) -> VerboseLogHandler:
    """Install the verbose log on the ``appmgr`` logger (idempotent: replaces ours).

    ``propagate`` is switched off so nothing of appmgr reaches a terminal the
    TUI is drawing on.
    """
    logger = logging.getLogger(ROOT)
    for h in list(logger.handlers):
        if isinstance(h, VerboseLogHandler):
            logger.removeHandler(h)
            h.close()
    handler = VerboseLogHandler(logs_dir, max_bytes)
    handler.setLevel(level_for(verbose, debug))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False
    return handler


def configure(handler: VerboseLogHandler, *, max_bytes: int | None = None,
              verbose: bool | None = None, debug: bool = False) -> None:
    """Apply changed Options (size limit, verbose on/off) to a running log."""
    if max_bytes is not None:
        handler.set_max_bytes(max_bytes)
    if verbose is not None:
        handler.setLevel(level_for(verbose, debug))


# --- one line per action / remote operation ----------------------------------
_SENSITIVE_FIELDS = re.compile(rf"(?i)^{_SECRET_WORD}$")


def _fmt_fields(fields: dict[str, Any]) -> str:
    parts = []
    for k, v in fields.items():
        text = MASK if _SENSITIVE_FIELDS.match(k) else str(v)
        if not text or any(c.isspace() for c in text) or '"' in text:
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{k}={text}")
    return " ".join(parts)


def log_action(action: str, **fields: Any) -> None:
    """One line for a user action: ``action enable src=FS01 tgt=FS02``."""
    logging.getLogger(f"{ROOT}.action").info("%s %s", action, _fmt_fields(fields))


def log_remote(target: str, operation: str, outcome: str = "ok", seconds: float | None = None,
               **fields: Any) -> None:
    """One line for a remote operation: ``FS01 inventory ok 0.120s``."""
    took = f" {seconds:.3f}s" if seconds is not None else ""
    extra = f" {_fmt_fields(fields)}" if fields else ""
    level = logging.INFO if outcome == "ok" else logging.WARNING
    logging.getLogger(f"{ROOT}.remote").log(level, "%s %s %s%s%s", target, operation, outcome, took, extra)


@contextmanager
def remote_operation(target: str, operation: str, *, clock: Callable[[], float] = time.monotonic,
                     **fields: Any) -> Iterator[None]:
    """Log ``operation`` on ``target`` when it ends: ok, or the error's type and text."""
    start = clock()
    try:
        yield
    except Exception as exc:
        log_remote(target, operation, f"failed ({type(exc).__name__}: {exc})", clock() - start, **fields)
        raise
    log_remote(target, operation, "ok", clock() - start, **fields)


# --- reading for the log viewer --------------------------------------------
def tail_lines(path: Path, n: int, block: int = 8192) -> list[str]:
    """The last ``n`` lines of ``path`` (reads from the end; [] when missing)."""
    if n <= 0:
        return []
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            pos = fh.tell()
            data = b""
            while pos > 0 and data.count(b"\n") <= n:
                step = min(block, pos)
                pos -= step
                fh.seek(pos)
                data = fh.read(step) + data
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[-n:]


def read_verbose_log(logs_dir: Path, lines: int = 500) -> list[str]:
    """The last ``lines`` lines of the verbose log, continuing into the previous file."""
    cur = tail_lines(logs_dir / VERBOSE_LOG, lines)
    if len(cur) < lines:
        cur = tail_lines(logs_dir / PREV_LOG, lines - len(cur)) + cur
    return cur
