"""Secrets for headless commands: the credential file's passphrase and passwords.

Nothing here ever blocks on a terminal that is not there. The passphrase comes,
in this order, from ``--passphrase-fd N``, from ``APPMGR_PASSPHRASE_FILE``, or
from the terminal when stdin is one; a password from ``--password-stdin`` or the
terminal. When none is available the error names every way to give it; EOF at
a prompt is a sentence, never an EOFError.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from collections.abc import Callable

from core.errors import InvalidInput

PASSPHRASE_FILE_ENV = "APPMGR_PASSPHRASE_FILE"

PASSPHRASE_WAYS = (f"give it with --passphrase-fd N, or {PASSPHRASE_FILE_ENV}=FILE "
                   "(a file only you can read), or run on a terminal")
PASSWORD_WAYS = "give it with --password-stdin, or run on a terminal"

#: a passphrase or password longer than this is a wrong file, not a secret
MAX_SECRET = 4096
#: a terminal is asked this many times after a wrong passphrase (like sudo and ssh)
TERMINAL_ATTEMPTS = 3


def add_secret_arguments(ap: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The global option naming where the credential file's passphrase comes from.
    ``suppress``: for a sub-command's parent parser, so the option may follow the
    command without overwriting a value given before it."""
    ap.add_argument("--passphrase-fd", type=int, metavar="N",
                    default=argparse.SUPPRESS if suppress else None,
                    help="read the credential file's passphrase from file descriptor N "
                         "(its first line)")


def read_password(prompt: str, *, from_stdin: bool) -> str:
    """A password from stdin's first line (``--password-stdin``) or typed at the terminal."""
    if from_stdin and not _stdin_is_tty():
        try:
            line = sys.stdin.readline(MAX_SECRET + 2)
        except UnicodeDecodeError:
            raise InvalidInput("password", "standard input is not UTF-8 text "
                                           "(--password-stdin)") from None
        password = line.rstrip("\r\n")
        if len(password) > MAX_SECRET:
            raise InvalidInput("password", f"the password on standard input is longer than "
                                           f"{MAX_SECRET} characters (--password-stdin)")
        if not password:
            raise InvalidInput("password", "no password on standard input (--password-stdin "
                                           "reads its first line)")
        return password
    if not _stdin_is_tty():
        raise InvalidInput("password", f"no terminal to ask the password on: {PASSWORD_WAYS}")
    # --password-stdin on a terminal: typed without echo rather than shown on screen
    password = _prompt(prompt, "password", PASSWORD_WAYS)
    if not password:
        raise InvalidInput("password", "an empty password was typed")
    return password


def passphrase_callback(args: argparse.Namespace) -> Callable[..., str | None]:
    """The credential file's passphrase callback for a headless command
    (a :data:`core.credentials.backend.PassphraseCallback`)."""
    source = configured_source(args)
    return source if source is not None else _TerminalPassphrase()


def configured_source(args: argparse.Namespace) -> Callable[..., str | None] | None:
    """The passphrase source named by ``--passphrase-fd`` or ``APPMGR_PASSPHRASE_FILE``,
    or None when neither is given (the console then asks in its dialog)."""
    fd = getattr(args, "passphrase_fd", None)
    if fd is not None:
        return _Once(lambda: _read_fd(fd))
    path = os.environ.get(PASSPHRASE_FILE_ENV, "").strip()
    if path:
        return _Once(lambda: _read_file(path))
    return None


class _Once:
    """A non-interactive source: read at the first call, the same answer after
    (a pipe gives its line once; a second unlock attempt must not see EOF)."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._value: str | None = None

    def __call__(self, new: bool, error: str = "") -> str | None:
        if self._value is None:
            self._value = self._read()
        return self._value


class _TerminalPassphrase:
    """Asks on the terminal; twice for a new file; again after a wrong passphrase."""

    attempts = TERMINAL_ATTEMPTS

    def __call__(self, new: bool, error: str = "") -> str | None:
        if not _stdin_is_tty():
            raise InvalidInput("passphrase", "the credential file is locked and there is no "
                                             f"terminal to ask its passphrase on: "
                                             f"{PASSPHRASE_WAYS}")
        if error:
            print(f"appmgr: {error}", file=sys.stderr)
        if not new:
            return _prompt("credential file passphrase: ", "passphrase", PASSPHRASE_WAYS)
        print("appmgr: choose a passphrase for the new credential file "
              "(it protects the passwords appmgr keeps)", file=sys.stderr)
        for _ in range(TERMINAL_ATTEMPTS):
            first = _prompt("new credential file passphrase: ", "passphrase", PASSPHRASE_WAYS)
            if not first.strip():
                raise InvalidInput("passphrase", "an empty passphrase was typed")
            if _prompt("the same passphrase again: ", "passphrase", PASSPHRASE_WAYS) == first:
                return first
            print("appmgr: the two passphrases differ; type them again", file=sys.stderr)
        raise InvalidInput("passphrase", "the passphrases typed differed three times; "
                                         "the credential file was not created")


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False


def _prompt(prompt: str, field: str, ways: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput(field, f"nothing was typed (end of input): {ways}") from None


def _first_line(data: bytes | str, where: str) -> str:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InvalidInput("passphrase", f"{where} is not UTF-8 text") from None
    lines = text.splitlines()
    line = lines[0] if lines else ""
    if len(line) > MAX_SECRET:
        raise InvalidInput("passphrase", f"the first line of {where} is longer than "
                                         f"{MAX_SECRET} characters: not a passphrase")
    if not line.strip():
        raise InvalidInput("passphrase", f"{where} gave no passphrase (its first line is "
                                         f"empty): {PASSPHRASE_WAYS}")
    return line


def _read_line(fd: int) -> bytes:
    """Bytes up to the first newline or EOF, read unbuffered: the writer may keep the
    pipe open, and what follows the line belongs to someone else (e.g. stdin's password)."""
    data = bytearray()
    while len(data) <= MAX_SECRET + 1:
        chunk = os.read(fd, 1)
        if not chunk or chunk == b"\n":
            break
        data += chunk
    return bytes(data)


def _read_fd(fd: int) -> str:
    where = f"file descriptor {fd} (--passphrase-fd)"
    if fd < 0:
        raise InvalidInput("passphrase-fd", f"{fd} is not a file descriptor")
    if fd == 0 and sys.stdin is not None:
        # stdin is buffered by Python (a password may have been read through it
        # already): read through the same buffer, or lines get lost
        try:
            return _first_line(sys.stdin.readline(MAX_SECRET + 2), where)
        except UnicodeDecodeError:
            raise InvalidInput("passphrase", f"{where} is not UTF-8 text") from None
        except (ValueError, OSError) as exc:
            raise InvalidInput("passphrase-fd", f"cannot read {where}: {exc}") from None
    try:
        return _first_line(_read_line(fd), where)
    except OSError as exc:
        raise InvalidInput("passphrase-fd", f"cannot read {where}: "
                                            f"{exc.strerror or exc}") from None


def _read_file(path: str) -> str:
    """The first line of a passphrase file that only its owner may read (as ssh
    demands of a private key)."""
    where = f"{PASSPHRASE_FILE_ENV} ({path})"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InvalidInput(PASSPHRASE_FILE_ENV, f"{path} does not exist") from None
    except IsADirectoryError:
        raise InvalidInput(PASSPHRASE_FILE_ENV, f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise InvalidInput(PASSPHRASE_FILE_ENV, f"cannot open {path}: "
                                                f"{exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)  # the file opened, not whatever the name points at now
        if stat.S_ISDIR(st.st_mode):
            raise InvalidInput(PASSPHRASE_FILE_ENV, f"{path} is a directory, not a file")
        if stat.S_ISREG(st.st_mode):
            if st.st_mode & 0o077:
                raise InvalidInput(
                    PASSPHRASE_FILE_ENV,
                    f"{path} can be read by others (mode {stat.S_IMODE(st.st_mode):04o}); "
                    f"the passphrase must be readable only by you: chmod 600 {path}")
            if hasattr(os, "getuid") and st.st_uid != os.getuid():
                raise InvalidInput(PASSPHRASE_FILE_ENV, f"{path} belongs to another user; "
                                                        "use a file of your own")
        try:
            return _first_line(_read_line(fd), where)
        except OSError as exc:
            raise InvalidInput(PASSPHRASE_FILE_ENV, f"cannot read {path}: "
                                                    f"{exc.strerror or exc}") from None
    finally:
        os.close(fd)
