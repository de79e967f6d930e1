"""Headless secrets (issues 11, 14): --passphrase-fd, APPMGR_PASSPHRASE_FILE, the terminal,
--password-stdin. Never a hang without a terminal, never an EOFError, and every message
about a missing secret names the ways to give it."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import InvalidInput
from tui.cli import secret_input
from tui.cli.secret_input import PASSPHRASE_FILE_ENV, passphrase_callback, read_password

WAYS = ("--passphrase-fd", PASSPHRASE_FILE_ENV, "terminal")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No passphrase file in the environment, stdin a pipe with nothing in it, and
    getpass would fail the test (it must only be reached on a terminal)."""
    monkeypatch.delenv(PASSPHRASE_FILE_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def boom(*_a: object, **_k: object) -> str:
        raise AssertionError("getpass reached without a terminal")

    monkeypatch.setattr("getpass.getpass", boom)


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str | type[BaseException]) -> list[str]:
    """A terminal on which ``answers`` are typed (an exception class: raised there)."""
    monkeypatch.setattr("sys.stdin", Tty(""))
    prompts: list[str] = []
    queue = list(answers)

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer()
        return answer

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**kw)


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        with contextlib.suppress(OSError):
            os.close(fd)


# --- --passphrase-fd ----------------------------------------------------------------------
def test_fd_gives_its_first_line_once_and_leaves_the_rest(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.write(w, b"correct horse \n second line\n")
    ask = passphrase_callback(args(passphrase_fd=r))
    assert ask(False) == "correct horse "  # spaces are part of a passphrase
    assert ask(False) == "correct horse "  # a second unlock attempt does not read EOF
    assert os.read(r, 100) == b" second line\n"  # what follows is someone else's


def test_fd_whose_writer_stays_open_does_not_hang(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.write(w, b"pw\n")  # the writer keeps its end open
    got: list[str | None] = []
    t = threading.Thread(target=lambda: got.append(passphrase_callback(args(passphrase_fd=r))(True)),
                         daemon=True)
    t.start()
    t.join(10)
    assert got == ["pw"]


@pytest.mark.parametrize("data", [b"", b"\n", b"   \n"])
def test_fd_without_a_passphrase_names_the_ways(pipe: tuple[int, int], data: bytes) -> None:
    r, w = pipe
    os.write(w, data)
    os.close(w)
    with pytest.raises(InvalidInput) as err:
        passphrase_callback(args(passphrase_fd=r))(False)
    assert "file descriptor" in err.value.message
    assert all(way in err.value.message for way in WAYS)


def test_fd_not_open_or_not_text(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.close(w)
    os.close(r)
    with pytest.raises(InvalidInput, match=f"cannot read file descriptor {r}") as err:
        passphrase_callback(args(passphrase_fd=r))(False)
    assert err.value.field == "passphrase-fd"
    r2, w2 = os.pipe()
    os.write(w2, b"\xff\xfe\x00bin\n")
    os.close(w2)
    with pytest.raises(InvalidInput, match="not UTF-8 text"):
        passphrase_callback(args(passphrase_fd=r2))(False)
    os.close(r2)


def test_fd_zero_reads_through_stdin_after_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """`printf 'pw\\npassphrase\\n' | appmgr --passphrase-fd 0 login … --password-stdin`."""
    monkeypatch.setattr("sys.stdin", io.StringIO("Pa55-word\nthe passphrase\n"))
    assert read_password("password: ", from_stdin=True) == "Pa55-word"
    assert passphrase_callback(args(passphrase_fd=0))(False) == "the passphrase"


# --- APPMGR_PASSPHRASE_FILE ---------------------------------------------------------------
def passphrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes,
                    mode: int = 0o600) -> Path:
    path = tmp_path / "passphrase"
    path.write_bytes(data)
    path.chmod(mode)
    monkeypatch.setenv(PASSPHRASE_FILE_ENV, str(path))
    return path


def test_file_readable_only_by_its_owner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passphrase_file(tmp_path, monkeypatch, b"from the file\r\nignored\n")
    assert passphrase_callback(args(passphrase_fd=None))(True) == "from the file"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666])
def test_file_others_can_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         mode: int) -> None:
    path = passphrase_file(tmp_path, monkeypatch, b"secret\n", mode)
    with pytest.raises(InvalidInput) as err:
        passphrase_callback(args())(False)
    assert err.value.field == PASSPHRASE_FILE_ENV
    assert f"mode {mode:04o}" in err.value.message and f"chmod 600 {path}" in err.value.message


def test_file_missing_directory_binary_or_empty(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_FILE_ENV, str(tmp_path / "nope"))
    with pytest.raises(InvalidInput, match="nope does not exist"):
        passphrase_callback(args())(False)
    monkeypatch.setenv(PASSPHRASE_FILE_ENV, str(tmp_path))
    with pytest.raises(InvalidInput, match="is a directory"):
        passphrase_callback(args())(False)
    passphrase_file(tmp_path, monkeypatch, b"\x80\x81\x82")
    with pytest.raises(InvalidInput, match="not UTF-8 text"):
        passphrase_callback(args())(False)
    passphrase_file(tmp_path, monkeypatch, b"")
    with pytest.raises(InvalidInput, match="its first line is empty"):
        passphrase_callback(args())(False)


def test_fd_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               pipe: tuple[int, int]) -> None:
    passphrase_file(tmp_path, monkeypatch, b"from the file\n", 0o644)  # not even opened
    r, w = pipe
    os.write(w, b"from the fd\n")
    assert passphrase_callback(args(passphrase_fd=r))(False) == "from the fd"


# --- the terminal, or none ----------------------------------------------------------------
def test_no_terminal_no_source_names_every_way() -> None:
    ask = passphrase_callback(args(passphrase_fd=None))
    assert getattr(ask, "attempts", 1) > 1  # a terminal may be asked again
    with pytest.raises(InvalidInput) as err:
        ask(False)
    assert err.value.field == "passphrase"
    assert all(way in err.value.message for way in WAYS)
    with pytest.raises(InvalidInput) as err:
        read_password("password: ", from_stdin=False)
    assert "--password-stdin" in err.value.message


def test_terminal_asks_twice_for_a_new_file(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    prompts = typed(monkeypatch, "one", "two", "same", "same")
    assert passphrase_callback(args())(True) == "same"
    assert len(prompts) == 4 and "again" in prompts[1]
    assert "the two passphrases differ" in capsys.readouterr().err


def test_terminal_shows_why_it_asks_again(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    typed(monkeypatch, "second try")
    assert passphrase_callback(args())(False, "Wrong passphrase: type it again.") == "second try"
    assert "Wrong passphrase: type it again." in capsys.readouterr().err


def test_eof_at_any_prompt_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    for answers in ((EOFError,), ("first", EOFError)):
        typed(monkeypatch, *answers)
        with pytest.raises(InvalidInput) as err:
            passphrase_callback(args())(True)
        assert "end of input" in err.value.message and "--passphrase-fd" in err.value.message
    typed(monkeypatch, EOFError)
    with pytest.raises(InvalidInput) as err:
        read_password("password: ", from_stdin=False)
    assert "end of input" in err.value.message and "--password-stdin" in err.value.message


# --- --password-stdin ---------------------------------------------------------------------
def test_password_stdin_first_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Pa55 word\r\nnext\n"))
    assert read_password("password: ", from_stdin=True) == "Pa55 word"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(InvalidInput, match="no password on standard input"):
        read_password("password: ", from_stdin=True)
    monkeypatch.setattr("sys.stdin", io.StringIO("x" * (secret_input.MAX_SECRET + 5)))
    with pytest.raises(InvalidInput, match="longer than"):
        read_password("password: ", from_stdin=True)


def test_password_stdin_on_a_terminal_is_typed_without_echo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = typed(monkeypatch, "hidden")
    assert read_password("password for FS01: ", from_stdin=True) == "hidden"
    assert prompts == ["password for FS01: "]
