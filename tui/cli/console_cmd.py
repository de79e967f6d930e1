"""Opening the Textual console (imported only when no command is given)."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from tui.cli.main import APP_FLAGS


def open_console(args: argparse.Namespace) -> int:
    from core.errors import AppmgrError
    from core.lab.runtime import read_runtime
    from core.paths import app_paths
    from tui.cli.session import open_console as build

    started_lab = False
    paths = app_paths().ensure()
    # a closed terminal or SSH session (SIGHUP) must still stop the lab we started
    signal.signal(signal.SIGHUP, _exit_on_signal)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    _watch_terminal()
    if args.lab and read_runtime(paths.lab) is None:
        from tui.cli.lab_cmd import start_detached

        print("starting the lab estate …", file=sys.stderr, flush=True)
        start_detached(paths.lab, ["--root", str(paths.lab)])
        started_lab = True
    try:
        from tui.cli.secret_input import configured_source
        from tui.screens.passphrase import DialogPassphrase

        # the credential file's passphrase: --passphrase-fd or APPMGR_PASSPHRASE_FILE when
        # given, else the dialog (Textual owns the terminal: never getpass here)
        source = configured_source(args)
        dialog = DialogPassphrase() if source is None else None
        api = build(args, passphrase=source or dialog)
        preselect = next((app for flag, app in APP_FLAGS.items() if getattr(args, flag)), None)
        from tui.run import run_tui

        return run_tui(api, preselect_app=preselect, advanced=api.advanced, passphrase=dialog)
    except AppmgrError as exc:
        print(f"appmgr: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        if started_lab:
            from core.lab.runtime import control

            try:
                control(paths.lab, "down")
                print("lab stopped (its data stays for the next run)", file=sys.stderr)
            except AppmgrError:
                pass


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _watch_terminal(period: float = 1.0) -> None:
    """Hang up when the terminal goes away even if no SIGHUP reaches us (under
    `make run`, make gets the hangup and waits for us), so the lab is stopped."""
    import os
    import threading
    import time

    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return

    def watch() -> None:
        while True:
            time.sleep(period)
            try:
                os.tcgetpgrp(fd)
            except OSError:  # EIO/ENOTTY: the terminal hung up
                os.kill(os.getpid(), signal.SIGHUP)
                return

    threading.Thread(target=watch, name="terminal-watch", daemon=True).start()
