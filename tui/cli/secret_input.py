"""Secrets for headless commands: the credential file's passphrase and passwords.

Nothing here ever blocks on a terminal that is not there. The passphrase comes,
in this order, from ``--passphrase-fd N``, from ``APPMGR_PASSPHRASE_FILE``, or
from the terminal when stdin is one; a password from ``--password-stdin`` or the
terminal. When none is available the error names every way to give it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from core.errors import InvalidInput

PASSPHRASE_FILE_ENV = "APPMGR_PASSPHRASE_FILE"

PASSPHRASE_WAYS = (f"give it with --passphrase-fd N, or {PASSPHRASE_FILE_ENV}=FILE "
                   "(a file only you can read), or run on a terminal")
PASSWORD_WAYS = "give it with --password-stdin, or run on a terminal"


def add_secret_arguments(ap: argparse.ArgumentParser) -> None:
    """The global option naming where the credential file's passphrase comes from."""
    ap.add_argument("--passphrase-fd", type=int, metavar="N", default=None,
                    help="read the credential file's passphrase from file descriptor N")


def read_password(prompt: str, *, from_stdin: bool) -> str:
    """A password from stdin's first line (``--password-stdin``) or typed at the terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise InvalidInput("password", "no password on standard input (--password-stdin)")
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("password", f"no terminal to ask the password on: {PASSWORD_WAYS}")
    try:
        password = getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput("password", f"no password was typed: {PASSWORD_WAYS}") from None
    if not password:
        raise InvalidInput("password", "an empty password was typed")
    return password


def _first_line(data: str) -> str:
    return data.splitlines()[0] if data else ""


def passphrase_callback(args: argparse.Namespace):  # -> PassphraseCallback
    """The credential file's passphrase callback for a headless command."""
    fd = getattr(args, "passphrase_fd", None)

    def ask(new: bool) -> str | None:
        if fd is not None:
            with os.fdopen(fd, "r", closefd=False) as f:
                return _first_line(f.read()) or None
        path = os.environ.get(PASSPHRASE_FILE_ENV, "").strip()
        if path:
            with open(path, encoding="utf-8") as f:
                return _first_line(f.read()) or None
        if not sys.stdin.isatty():
            return None
        try:
            first = getpass.getpass("credential file passphrase: ")
            if new and getpass.getpass("the same passphrase again: ") != first:
                print("appmgr: the passphrases differ", file=sys.stderr)
                return None
        except EOFError:
            return None
        return first

    return ask
