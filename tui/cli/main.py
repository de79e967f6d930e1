"""The ``appmgr`` entry point: the console by default, headless commands by name.

Only argparse and core are imported here; Textual is imported lazily when the
console opens, so ``appmgr --version`` and headless commands start fast.
"""

from __future__ import annotations

import argparse
import sys

from core import __version__
from tui.cli.output import guarded

APP_FLAGS = {
    "exchange": "exchange",
    "sql": "sql",
    "fileprint": "fileprint",
    "sharepoint": "sharepoint",
    "blackberry": "blackberry",
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="appmgr",
        description="Protect Windows application servers with replication and failover.",
        epilog="Without a command, opens the console. `appmgr --lab` uses the embedded lab estate.",
    )
    ap.add_argument("--version", action="version", version=f"appmgr {__version__}")
    ap.add_argument("--lab", action="store_true", help="work on the embedded lab estate")
    ap.add_argument("--debug", action="store_true", help="log protocol detail")
    ap.add_argument("--advanced", action="store_true", help="show advanced options")
    ap.add_argument("--nosqlsearch", action="store_true", help="skip the automatic SQL scan")
    ap.add_argument("--altdns", action="store_true", help="plain RFC 2136 DNS updates")
    from tui.cli.secret_input import add_secret_arguments

    add_secret_arguments(ap)
    group = ap.add_mutually_exclusive_group()
    for flag in APP_FLAGS:
        group.add_argument(f"--{flag}", action="store_true", help=f"preselect {flag}")
    sub = ap.add_subparsers(dest="command", metavar="command")
    from tui.cli import commands, dfo_cmd, engine_cert_cmd, lab_cmd

    lab_cmd.add_parser(sub)
    commands.add_parsers(sub)
    dfo_cmd.add_parser(sub)
    engine_cert_cmd.add_parser(sub)
    return ap


@guarded  # values and messages never write control characters to the terminal
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["dfo"]:  # F-9.4 from scripts: skip the console's imports (fast start)
        from tui.cli import dfo_cmd

        return dfo_cmd.main(argv[1:])
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    from core.errors import AppmgrError

    try:
        if args.command is None:
            from tui.cli.console_cmd import open_console

            return open_console(args)
        if args.command == "lab":
            from tui.cli import lab_cmd

            return lab_cmd.run(args)
        if args.command == "engine-cert":
            from tui.cli import engine_cert_cmd

            return engine_cert_cmd.run(args)
        if args.command == "dfo":  # after global flags (appmgr --debug dfo ...)
            from tui.cli import dfo_cmd

            return dfo_cmd.run(args)
        from tui.cli import commands

        return commands.run(args)
    except AppmgrError as exc:
        print(f"appmgr: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("appmgr: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `appmgr status --watch | head`: the reader left, we stop
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
