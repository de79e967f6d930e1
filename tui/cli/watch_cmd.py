"""``appmgr watch [--once] [--interval S]``: automatic failover as a service.

A thin layer over :class:`core.protection.watch.Watcher`: it watches every
protected pair whose manual intervention is off and runs the failover plan
when the target's monitor declares the failure. It runs until stopped
(SIGTERM from systemd, or Ctrl-C); ``--once`` polls one round and exits
(0 when nothing failed, 1 when a pair could not be read or a plan stopped).
See contrib/appmgr-watch.service for running it under systemd.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.protection.watch import Watcher


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("watch", parents=[common],
                       help="fail over by itself the pairs whose manual intervention is off")
    p.add_argument("--once", action="store_true", help="poll every pair once, then exit")
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                   help="seconds between two polls of the pairs (default 2)")


def _say(text: str) -> None:
    now = time.time()  # milliseconds: a failover takes well under a second
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    print(f"{stamp}.{int(now % 1 * 1000):03d} {text}", flush=True)


def _stopper(watcher: Watcher) -> Callable[[int, FrameType | None], None]:
    """SIGTERM (systemd's stop): a running plan finishes first (systemd's stop timeout
    bounds it); otherwise, or at a second SIGTERM, unwind now: the heartbeat is removed,
    and a plan step cut short is not recorded as done, so the next start runs it again."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        if watcher.request_stop():
            _say("stopping once the running plan has finished")
            return
        raise SystemExit(0)

    return stop


def run(args: argparse.Namespace) -> int:
    from core.clock import SystemClock
    from core.protection.watch import Watcher
    from core.store import PairStore
    from tui.cli.session import open_context

    if not 0.1 <= args.interval <= 3600:
        print("appmgr watch: --interval is 0.1 to 3600 seconds", file=sys.stderr)
        return 2
    ctx = open_context(args)
    from core.logs import setup_logging

    # the verbose log, as the console keeps it: the watcher's actions and remote calls
    setup_logging(ctx.paths.logs, max_bytes=ctx.settings.max_log_bytes,
                  verbose=ctx.settings.verbose_logging, debug=bool(getattr(args, "debug", False)))
    watcher = Watcher(ctx, PairStore(ctx.paths), SystemClock(), args.interval, say=_say)
    if args.once:
        try:
            outcomes = watcher.poll_once()
        finally:
            from core.protection.watch_beat import remove_beat

            remove_beat(ctx.paths, watcher.pid)
        for o in outcomes:
            _say(f"{o.pair}: {o.result or o.decision.reason}")
        if not outcomes:
            _say("no protected pairs to watch")
        return 0 if all(o.ok for o in outcomes) else 1
    signal.signal(signal.SIGTERM, _stopper(watcher))
    _say(f"appmgr watch on {watcher.host} (pid {watcher.pid}): polling every "
         f"{args.interval:g} s")
    watcher.run()
    return 0
