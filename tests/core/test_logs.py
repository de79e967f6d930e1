"""The verbose log (F-13): rotation to .prev, redaction, levels, reading the tail."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.logs import (
    PREV_LOG,
    VERBOSE_LOG,
    RedactFilter,
    configure,
    log_action,
    log_remote,
    read_verbose_log,
    redact,
    remote_operation,
    setup_logging,
    tail_lines,
)


@pytest.fixture
def logs_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "logs"
    logger = logging.getLogger("appmgr")
    for h in list(logger.handlers):
        logger.removeHandler(h)
        h.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def test_rotation_renames_to_prev_and_starts_a_new_log(logs_dir: Path) -> None:
    setup_logging(logs_dir, max_bytes=2000)
    for i in range(60):
        log_action("click", n=i)
    cur, prev = logs_dir / VERBOSE_LOG, logs_dir / PREV_LOG
    assert prev.exists() and cur.exists()
    assert cur.stat().st_size < 2000 and prev.stat().st_size < 2000
    assert "n=59" in cur.read_text()
    first_prev = prev.read_text()
    for i in range(60, 120):
        log_action("click", n=i)
    # The older prev was replaced, not kept beside a numbered file.
    assert prev.read_text() != first_prev
    assert {p.name for p in logs_dir.iterdir()} == {PREV_LOG, VERBOSE_LOG}
    assert "n=0 " not in cur.read_text() + prev.read_text()


def test_one_huge_line_does_not_empty_the_log(logs_dir: Path) -> None:
    setup_logging(logs_dir, max_bytes=100)
    log_action("big", text="x" * 500)
    assert "big" in (logs_dir / VERBOSE_LOG).read_text()
    assert not (logs_dir / PREV_LOG).exists()


def test_size_limit_changes_at_runtime(logs_dir: Path) -> None:
    handler = setup_logging(logs_dir, max_bytes=10_000_000)
    for i in range(30):
        log_action("a", n=i)
    assert not (logs_dir / PREV_LOG).exists()
    configure(handler, max_bytes=500)
    log_action("after")
    assert (logs_dir / PREV_LOG).exists()


@pytest.mark.parametrize(("text", "secret"), [
    ("login password=hunter2 user=x", "hunter2"),
    ('{"user": "a", "password": "p w d"}', "p w d"),
    ("tsig_secret: bGFiLXRzaWc=", "bGFiLXRzaWc="),
    ("Passphrase='abc def'", "abc def"),
    ("New-Thing -Password 'S3cr3t!' -Name x", "S3cr3t!"),
    ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("http://admin:topsecret@127.0.10.11:5985/wsman", "topsecret"),
    ("admin_password=Lab-Passw0rd!", "Lab-Passw0rd!"),
])
def test_redaction(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert "***" in out


def test_redaction_keeps_ordinary_text() -> None:
    for text in ("wrong passphrase for the credential file", "password reference ok",
                 "FS01 inventory ok 0.120s", "user=LAB\\alice"):
        assert redact(text) == text


def test_filter_redacts_for_foreign_handlers() -> None:
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Collect()
    handler.addFilter(RedactFilter())
    log = logging.getLogger("test.redact.filter")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("bind with password=%s for %s", "Hidden9", "alice")
    finally:
        log.removeHandler(handler)
    assert seen == ["bind with password=*** for alice"]


def test_secrets_never_reach_the_file(logs_dir: Path) -> None:
    setup_logging(logs_dir)
    log = logging.getLogger("appmgr.protocol.winrm")
    log.info("sending password=%s", "Leak1")
    log_action("login", server="FS01", password="Leak2")
    try:
        raise ValueError("secret=Leak3")
    except ValueError:
        log.exception("failed")
    text = (logs_dir / VERBOSE_LOG).read_text()
    assert "Leak" not in text
    assert "login server=FS01 password=***" in text


def test_levels_verbose_off_and_debug(logs_dir: Path) -> None:
    handler = setup_logging(logs_dir, verbose=False)
    log_action("hidden")
    logging.getLogger("appmgr.x").warning("shown")
    configure(handler, verbose=True)
    log_action("visible")
    logging.getLogger("appmgr.protocol.ldap").debug("no protocol detail")
    setup_logging(logs_dir, debug=True)  # replaces the handler, no duplicate lines
    logging.getLogger("appmgr.protocol.ldap").debug("protocol detail")
    text = (logs_dir / VERBOSE_LOG).read_text()
    assert "hidden" not in text and "shown" in text and "visible" in text
    assert "no protocol detail" not in text
    assert text.count("protocol detail") == 1
    assert len(logging.getLogger("appmgr").handlers) == 1


def test_remote_lines_with_injected_clock(logs_dir: Path) -> None:
    setup_logging(logs_dir)
    ticks = iter([10.0, 10.25, 20.0, 21.5])
    with remote_operation("FS01", "inventory", clock=lambda: next(ticks)):
        pass
    with pytest.raises(RuntimeError), remote_operation("FS02", "set_service", clock=lambda: next(ticks)):
        raise RuntimeError("service not found")
    log_remote("DC01", "dns update", zone="lab.example.com")
    lines = read_verbose_log(logs_dir, 10)
    assert lines[0].endswith("appmgr.remote: FS01 inventory ok 0.250s")
    assert "FS02 set_service failed (RuntimeError: service not found) 1.500s" in lines[1]
    assert "WARNING" in lines[1]
    assert lines[2].endswith("DC01 dns update ok zone=lab.example.com")


def test_tail_reads_last_lines_across_prev(tmp_path: Path) -> None:
    (tmp_path / PREV_LOG).write_text("".join(f"old {i}\n" for i in range(5)))
    (tmp_path / VERBOSE_LOG).write_text("".join(f"new {i}\n" for i in range(3)))
    assert read_verbose_log(tmp_path, 2) == ["new 1", "new 2"]
    assert read_verbose_log(tmp_path, 5) == ["old 3", "old 4", "new 0", "new 1", "new 2"]
    assert tail_lines(tmp_path / "missing.log", 5) == []
    big = tmp_path / "big.log"
    big.write_text("".join(f"line {i} " + "x" * 100 + "\n" for i in range(2000)))
    assert tail_lines(big, 3, block=256) == [f"line {i} " + "x" * 100 for i in (1997, 1998, 1999)]
    assert tail_lines(big, 0) == []
