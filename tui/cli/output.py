"""Plain-text rendering of headless results (no Textual, no rich), and the guard that
keeps control characters in values and messages from reaching the terminal."""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, TypeVar

from core.visible import visible

_F = TypeVar("_F", bound=Callable[..., Any])


class TerminalSafe:
    """A text stream that writes every control character as an escape (core.visible).

    Headless output quotes stored values (a DNS user name holding ``ESC c`` resets the
    terminal that prints it) and what servers said; guarding the stream covers every
    print, argparse's messages and the error line alike. Newlines and tabs pass, and
    JSON is unaffected (json.dumps already escapes control characters)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(visible(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, …
        return getattr(self.raw, name)


@contextlib.contextmanager
def terminal_safe() -> Iterator[None]:
    """stdout and stderr guarded by TerminalSafe for the time of the block."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, TerminalSafe):
        sys.stdout = TerminalSafe(sys.stdout)
    if not isinstance(sys.stderr, TerminalSafe):
        sys.stderr = TerminalSafe(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def write_control(seq: str) -> None:
    """appmgr's own terminal control sequence (never a value it prints): past the guard."""
    out = sys.stdout
    raw = out.raw if isinstance(out, TerminalSafe) else out
    raw.write(seq)


def guarded(fn: _F) -> _F:
    """Run a command's entry point with terminal_safe streams."""
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with terminal_safe():
            return fn(*args, **kwargs)
    return run  # type: ignore[return-value]

GLYPH = {"passed": "✔", "warning": "▲", "error": "✖"}


def progress(line: str) -> None:
    print(f"  … {line}", file=sys.stderr, flush=True)


def table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    if not rows:
        return "(none)"
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    head = "  ".join(c.upper().ljust(widths[c]) for c in cols)
    body = ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join([head, *body])


def report(rep: Any) -> str:
    lines = []
    for r in rep.results:
        status = str(getattr(r.status, "value", r.status))
        fix = "  [fixable]" if r.fixable and status != "passed" else ""
        lines.append(f"{GLYPH.get(status, '?')} {status:<8} {r.title}: {r.reason}{fix}")
    errors = sum(1 for r in rep.results if str(getattr(r.status, "value", r.status)) == "error")
    warnings = sum(1 for r in rep.results
                   if str(getattr(r.status, "value", r.status)) == "warning")
    lines.append("")
    lines.append(f"{'OK' if rep.ok else 'FAILED'}: {errors} error(s), {warnings} warning(s), "
                 f"{len(rep.results)} check(s)")
    return "\n".join(lines)


def size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def status(d: dict[str, Any]) -> str:
    c, m = d["counters"], d.get("monitor")
    from core.protection.status import missed_text, state_label

    state = state_label(d["state"], d.get("operation") or "")
    # part of the queue is whole sizes of files that go as deltas not hashed yet
    upto = "up to " if c.get("queued_bytes_upto") else ""
    rest_upto = "up to " if c.get("bytes_remaining_upto") else ""
    lines = [f"{d['source']} → {d['target']} ({d['app']}): {state}"
             + (f" — {d['reason']}" if d.get("reason") else ""),
             f"  mirror       {d['mirror']['status']} {d['mirror']['percent']:.0f}%",
             f"  replication  {d['replication']['status']}  queue {c['queued_ops']}"
             f" ({upto}{size(c.get('queued_bytes', 0))})",
             f"  sent         {size(c['bytes_sent'])} (compressed {size(c['bytes_sent_compressed'])})"
             f"  remaining {rest_upto}{size(c['bytes_remaining'])}"
             f"  rate {size(c['transfer_rate'])}/s"]
    if m:
        hb = m.get("last_heartbeat")
        ago = f"{time.time() - hb:.0f} s ago" if hb else "never"
        lines.append(f"  monitor      {m['state']}  last heartbeat {ago}  "
                     f"missed {missed_text(m['missed'], m['threshold'])}")
    # the target's snapshots outlive its monitor (failed over, monitoring off)
    snap = d.get("last_snapshot") or (m or {}).get("last_snapshot")
    if snap:
        lines.append(f"  snapshot     last taken {time.time() - snap:.0f} s ago")
    if d.get("plan_running"):
        lines.append(f"  ▶ {d['plan_running']}")
    auto = d.get("automatic_failover")
    if auto:
        lines.append(f"  automatic failover: {auto['text']}")
    ident = d.get("identity")
    if ident and ident.get("state") in ("taken", "failed"):
        lines.append(f"  identity failover: {ident.get('text', '')}")
    if d.get("source_reachable") is False:
        lines.append(f"  {d['source']} does not answer")
    if d.get("target_reachable") is False:
        lines.append(f"  {d['target']} does not answer")
    for cond in d.get("conditions", []):
        if cond["name"] != "Mirroring":
            lines.append(f"  ▲ {cond['name']}: {cond['reason']}")
    for e in d.get("errors", []):
        lines.append(f"  ! {e}")
    if d.get("last_error"):
        lines.append(f"  last error: {d['last_error']}")
    return "\n".join(lines)


def steps(results: Iterable[Any]) -> str:
    out = []
    for s in results:
        mark = "✔" if getattr(s, "ok", True) else "✖"
        if getattr(s, "skipped", False):
            mark = "·"
        out.append(f"{mark} {s.step}: {s.message}")
    return "\n".join(out) or "(nothing to do)"
