"""Issue 11: what a person types is refused at input, with the field named, when it
would crash a form, be read as another value, or only fail later at Enable."""

from __future__ import annotations

import pytest

from core.config import parsers as p
from core.config.edit import apply_assignments
from core.config.text_parsers import PATH_MAX
from core.errors import InvalidInput
from core.model.config import ProtectionConfig

NOT_ASCII_DIGITS = ["٥", "５", "²", "5²", "١٠", "߅", "𝟓"]


def _refused(assignment: str, cfg: ProtectionConfig | None = None) -> InvalidInput:
    cfg = cfg or ProtectionConfig(app="fileprint", source="FS01", target="FS02")
    with pytest.raises(InvalidInput) as caught:
        apply_assignments(cfg, [assignment])
    return caught.value


@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("key", ["monitoring.interval", "monitoring.missed", "failover.dns.ttl",
                                 "snapshots.interval_min", "connection.compression",
                                 "monitoring.application.interval"])
def test_other_scripts_digits_are_refused_not_read_as_numbers(key: str, text: str) -> None:
    err = _refused(f"{key}={text}")
    assert err.field == key
    assert "digits 0-9" in err.message


@pytest.mark.parametrize("key", ["monitoring.interval", "failover.dns.ttl"])
def test_a_pasted_5000_digit_number_is_out_of_range_in_one_short_line(key: str) -> None:
    err = _refused(f"{key}={'9' * 5000}")
    assert err.field == key and "out of range" in err.message
    assert len(err.message) < 200


@pytest.mark.parametrize("text", ["E:\\Data\\..\\Windows", "E:\\.\\Data", "E:/a/../b",
                                  "E:\\Data.", "E:\\Data \\x", "E:\\NUL", "E:\\a:b",
                                  "E:\\" + "d" * 300, "E:\\" + "\\".join(["d" * 20] * 13),
                                  "E:\\a\x1bc", "E:\\a\u202eb"], ids=lambda v: ascii(v)[:30])
def test_paths_that_only_fail_at_enable_are_refused_at_input(text: str) -> None:
    for key, value in (("connection.volume_paths", text), ("advanced.rules", f"include:{text}"),
                       ("monitoring.application.script_path", text + "\\s.ps1")):
        assert _refused(f"{key}={value}").field == key


def test_sql_target_paths_refuse_dot_dot() -> None:
    cfg = ProtectionConfig(app="sql", source="SQL01", target="SQL02")
    cfg.connection.sql_mode = "database"
    err = _refused("connection.target_paths=MSSQLSERVER/sales=F:\\SQL\\..\\x", cfg)
    assert err.field == "connection.target_paths" and "'..'" in err.message


def test_the_longest_windows_path_still_passes() -> None:
    path = "E:\\" + "\\".join(["d" * 50] * 5)
    path = path[:PATH_MAX]
    assert p.parse_windows_path(path) == path


@pytest.mark.parametrize("name", [".", "..", "...", " .. "])
def test_set_names_of_only_dots_are_refused(name: str) -> None:
    assert _refused(f"advanced.set_name={name}").field == "advanced.set_name"


@pytest.mark.parametrize(("key", "value"), [
    ("failover.dns.user", "LAB\x1bc\\admin"), ("failover.dns.user", "LAB\\ad\x1bcmin"),
    ("failover.dns.user", "admin\u202e@lab.example.com"), ("connection.shares", "Data\x9b2J"),
    ("failover.identity.target_nic", "Ethernet\x07"), ("failover.services", "Svc\x1b]0;x\x07"),
    ("advanced.plan_edits.post-failover", "step one\n\x1bcstep two")], ids=lambda v: ascii(v)[:30])
def test_control_characters_are_refused_with_the_field_named(key: str, value: str) -> None:
    err = _refused(f"{key}={value}")
    assert err.field == key
    assert "\x1b" not in err.message and "\x07" not in err.message and "\u202e" not in err.message


@pytest.mark.parametrize(("key", "value"), [
    ("connection.shares", "s" * 257), ("failover.identity.target_nic", "n" * 257),
    ("failover.dns.user", "LAB\\" + "u" * 105), ("advanced.plan_edits.post-failover", "x" * 20000),
    ("connection.volume_paths", "E:\\" + "x" * 40000)], ids=lambda v: str(v)[:30])
def test_every_text_value_has_a_length_limit_named_in_the_message(key: str, value: str) -> None:
    err = _refused(f"{key}={value}")
    assert err.field == key
    assert any(ch.isdigit() for ch in err.message)  # the limit is said
    assert len(err.message) < 300


def test_a_plan_phase_keeps_its_lines_and_tabs() -> None:
    cfg = ProtectionConfig(app="fileprint", source="FS01", target="FS02")
    new = apply_assignments(cfg, ["advanced.plan_edits.post-failover=one\n\ttwo"])
    assert new.advanced.plan_edits["post-failover"] == "one\n\ttwo"


@pytest.mark.parametrize("text", ["２０２５-01-31T22:00", "2025-٠١-31"])
def test_date_times_take_ascii_digits_only(text: str) -> None:
    with pytest.raises(InvalidInput):
        p.parse_datetime(text)


@pytest.mark.parametrize("text", ["٥", "²", "9" * 5000, "", "-1", "x"])
def test_whole_or_none_never_raises(text: str) -> None:
    assert p.whole_or_none(text, 0) is None


def test_whole_or_none_reads_ascii_digits() -> None:
    assert p.whole_or_none(" 42 ", 0, 100) == 42
