"""Headless commands of SPEC F-15: discover, validate, protect, status, failover, …"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.cli import config_cmd, discover_cmd, domain_cmd, output, pair_cmd, tools_cmd, watch_cmd
from tui.cli.pair_args import pair_of
from tui.cli.secret_input import add_secret_arguments
from tui.cli.status_table import HOME_CLEAR, StatusTable

if TYPE_CHECKING:
    from core.console import Console
    from core.model.config import ProtectionConfig
    from core.model.overview import PairOverview

Handler = Callable[[argparse.Namespace], int]


def _pair(p: argparse.ArgumentParser, optional: bool = False) -> None:
    nargs = "?" if optional else None
    p.add_argument("source", nargs=nargs, help="source server (e.g. FS01)")
    p.add_argument("target", nargs=nargs, help="target server (e.g. FS02)")
    p.add_argument("--app", default=None, help="application (default: the one the pair is set up for, else fileprint)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lab", action="store_true", default=argparse.SUPPRESS,
                        help="work on the embedded lab estate")
    add_secret_arguments(common, suppress=True)
    p = sub.add_parser("discover", parents=[common], help="list the servers of the domain")
    discover_cmd.add_options(p)
    p = sub.add_parser("validate", parents=[common], help="run the health check of a pair")
    _pair(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--fix-all", action="store_true", help="run every available Fix, then re-check")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    p = sub.add_parser("protect", parents=[common], help="validate, then enable protection")
    _pair(p)
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    p = sub.add_parser("unprotect", parents=[common], help="disable protection")
    _pair(p)
    p.add_argument("--force", action="store_true",
                   help="also for a pair in Failing over/Failing back: abort its plan first")
    p = sub.add_parser("abort", parents=[common],
                       help="end a failover or failback that stopped part-way")
    _pair(p)
    p = sub.add_parser("status", parents=[common], help="state and counters of pairs")
    _pair(p, optional=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--watch", action="store_true", help="repeat at the refresh interval")
    p.add_argument("--count", type=int, default=0, help="with --watch: stop after N reports")
    for verb, text in (("failover", "fail over to the target"),
                       ("failback", "give the source its identity back"),
                       ("restore", "copy the target's changes back and re-protect")):
        p = sub.add_parser(verb, parents=[common], help=text)
        _pair(p)
        if verb == "failover":
            p.add_argument("--force", action="store_true",
                           help="fail over although the source still answers; with "
                                "--graceful: although the queue did not drain in time")
            p.add_argument("--graceful", action="store_true",
                           help="while the source is up: drain the queue, stop the source's "
                                "services, then start the target's (not for SharePoint and "
                                "File server)")
            p.add_argument("--drain-timeout", type=float, default=60.0, metavar="SECONDS",
                           help="with --graceful: how long to wait for the queue (default 60)")
            p.add_argument("--snapshot", metavar="ID", default=None,
                           help="roll the target's data back to this snapshot first "
                                "(see appmgr snapshot list)")
        if verb == "restore":
            p.add_argument("--discard", action="store_true",
                           help="drop the source files that differ from the target instead of "
                                "keeping copies in .appmgr-restore-<time> on their volume")
    p = sub.add_parser("login", parents=[common], help="cache credentials for a server")
    p.add_argument("server")
    p.add_argument("--user", required=True)
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    p = sub.add_parser("log", parents=[common],
                       help="print a log (verbose, dfo, failover, exchange)")
    p.add_argument("kind", choices=["verbose", "dfo", "failover", "exchange"])
    p.add_argument("server", nargs="?")
    p.add_argument("--lines", type=int, default=200)
    config_cmd.add_parser(sub, common)
    domain_cmd.add_parser(sub, common)
    watch_cmd.add_parser(sub, common)
    pair_cmd.add_parsers(sub, common)
    tools_cmd.add_parsers(sub, common)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "app", "") is None:
        args.app = pair_app(args)
    return HANDLERS[args.command](args)


def pair_app(args: argparse.Namespace) -> str:
    """The application of the pair named on the command line when ``--app`` is not given:
    the one it has a configuration or record for (a pair protected as exchange is managed
    without repeating it), fileprint for a new pair; several → say which."""
    source, target = getattr(args, "source", None), getattr(args, "target", None)
    if not source or not target:
        return "fileprint"
    from core.errors import InvalidInput
    from core.paths import app_paths
    from core.store import PairStore

    apps = PairStore(app_paths()).apps_of(source, target)
    if len(apps) > 1:
        raise InvalidInput("app", f"{source.upper()} → {target.upper()} is set up for "
                                  f"{' and '.join(apps)}: say which with --app")
    return apps[0] if apps else "fileprint"


def open_console(args: argparse.Namespace):  # noqa: ANN201 - lazy: keeps --help/--version fast
    from tui.cli.session import open_console as build

    return build(args)


def _discover(args: argparse.Namespace) -> int:
    return discover_cmd.run(open_console(args), args)


def _config(console: Console, args: argparse.Namespace) -> ProtectionConfig:
    console.setup.select_pair(pair_of(args))
    cfg = console.configure.load_config(pair_of(args))
    return console.configure.apply(cfg, list(getattr(args, "set", []) or []))


def _validate(args: argparse.Namespace) -> int:
    console = open_console(args)
    cfg = _config(console, args)
    report = console.validation.validate(cfg)
    if args.fix_all and report.fixable:
        report, cfg = console.validation.fix_all(cfg, report)
    print(report.to_json() if args.json else output.report(report))
    return report.exit_code


def _protect(args: argparse.Namespace) -> int:
    console = open_console(args)
    cfg = _config(console, args)
    console.protection.enable(cfg, progress=output.progress)
    st = console.monitoring.status(cfg.pair)
    print(f"{cfg.source} → {cfg.target}: {st.state.value}")
    return 0


def _unprotect(args: argparse.Namespace) -> int:
    console = open_console(args)
    console.protection.disable(pair_of(args), output.progress, force=args.force)
    print(f"{args.source.upper()} → {args.target.upper()}: protection disabled")
    return 0


def _status(args: argparse.Namespace) -> int:
    # Not through the Console: a script may call this every second, so it loads
    # only the Context, the pair store and the status reader.
    from core.protection.overview import (
        EnginePool,
        overview_of,
        protected_pairs,
        read_all,
        unknown,
    )
    from core.protection.poll_store import PollStore
    from core.protection.status import PairStatus, check_named_pair
    from tui.cli.session import open_context

    ctx = open_context(args)
    store = PollStore(ctx.paths)  # --watch: each configuration parsed once, until it changes
    if bool(args.source) != bool(args.target):
        print("appmgr: name both the source and the target, or neither", file=sys.stderr)
        return 2
    if args.source:
        check_named_pair(ctx, store, args.source, args.target)
    n = 0
    table = StatusTable()  # every pair at once: one row each (F-8.5)
    pool = EnginePool(ctx.engine)  # one connection per engine for the whole --watch
    in_place = args.watch and sys.stdout.isatty()
    while True:
        # pairs protected meanwhile join the table
        pairs = [pair_of(args)] if args.source else protected_pairs(store)
        read = read_all(ctx, store, pairs, pool)  # concurrently, a bounded number at once
        for r in read:
            if args.source and not isinstance(r, PairStatus):
                raise r  # one pair named: its error is the command's
        statuses = [r for r in read if isinstance(r, PairStatus)]
        now = time.time()
        ovs = [overview_of(p, r) if isinstance(r, PairStatus) else unknown(p, r, now)
               for p, r in zip(pairs, read, strict=True)]
        # 0 only when every pair is Protected; 3 if a source does not answer; else 1
        codes = {ov.exit_code for ov in ovs}
        code = 3 if 3 in codes else 1 if 1 in codes else 0
        if args.json:
            docs = [r.to_dict() if isinstance(r, PairStatus) else _unread(ov)
                    for r, ov in zip(read, ovs, strict=True)]
            print(json.dumps(docs[0] if args.source else docs), flush=True)
        elif args.source:
            print(output.status(statuses[0].to_dict()), flush=True)
        else:
            text = table.render(ovs, now)
            if in_place:  # redrawn over the last one, cut to the terminal's width
                output.write_control(HOME_CLEAR)
                cols = shutil.get_terminal_size().columns
                text = "\n".join(line[:cols - 1] for line in text.splitlines())
            print(text, flush=True)
            if args.watch and not in_place:
                print(flush=True)
        n += 1
        if not args.watch or (args.count and n >= args.count):
            pool.close()
            return code
        st = ctx.settings
        time.sleep(1 if st.refresh_auto else st.refresh_interval)


def _unread(ov: PairOverview) -> dict[str, object]:
    """``status --json`` of a pair whose status could not be read: named, with why."""
    p = ov.pair
    return {"app": p.app, "source": p.source, "target": p.target, "state": ov.state,
            "reason": ov.reason, "read": False}


def _operation(verb: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        console = open_console(args)
        p = console.protection
        fn = {"failover": p.failover, "failback": p.failback, "restore": p.restore}[verb]
        kw: dict[str, object] = {}
        if verb == "failover":
            kw = {"force": args.force, "graceful": args.graceful,
                  "drain_timeout": args.drain_timeout, "snapshot": args.snapshot}
        if verb == "restore":
            kw = {"discard": args.discard}
        steps = fn(pair_of(args), output.progress, **kw)
        print(output.steps(steps))
        return 0 if all(getattr(s, "ok", True) for s in steps) else 1

    return handler


def _abort(args: argparse.Namespace) -> int:
    console = open_console(args)
    report = console.protection.abort(pair_of(args))
    print(report.sentence())
    return 0


def _login(args: argparse.Namespace) -> int:
    from tui.cli.secret_input import read_password

    console = open_console(args)
    password = read_password(f"password for {args.user} on {args.server.upper()}: ",
                             from_stdin=args.password_stdin)
    inv = console.logins.login(args.server, args.user, password)
    print(f"{inv.name}: {inv.os_name} {inv.os_version}; credentials cached")
    return 0


def _log(args: argparse.Namespace) -> int:
    console = open_console(args)
    print(console.logs.log_text(args.kind, args.server, args.lines))
    return 0


HANDLERS: dict[str, Handler] = {
    "discover": _discover, "validate": _validate, "protect": _protect,
    "unprotect": _unprotect, "status": _status, "failover": _operation("failover"),
    "failback": _operation("failback"), "restore": _operation("restore"),
    "login": _login, "log": _log, "config": config_cmd.run, "domain": domain_cmd.run,
    "watch": watch_cmd.run, "abort": _abort,
    "monitoring": pair_cmd.run_monitoring, "snapshot": pair_cmd.run_snapshot,
    "verify": tools_cmd.run_verify, "tools": tools_cmd.run_tools,
}
