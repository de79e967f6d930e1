"""Options (F-4): defaults, validation, atomic persistence, pair defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.settings import (
    OPTIONS,
    LastPair,
    Settings,
    apply_pair_defaults,
    load_settings,
    option_text,
    parse_log_size,
    remember_pair_defaults,
    save_settings,
    set_option,
    with_last_pair,
)


def test_defaults_are_the_spec_ones() -> None:
    s = Settings()
    assert (s.service_port, s.refresh_auto, s.refresh_interval) == (6320, True, 5)
    assert s.max_log_kb == 1024 and s.max_log_bytes == 1024 * 1024
    assert s.verbose_logging and not s.always_show_details and not s.stats_in_bytes
    assert not s.load_last_pair and not s.alt_dns and not s.show_advanced
    assert s.last_pair is None and dict(s.pair_defaults) == {}


@given(st.integers(1, 65535))
def test_any_port_in_range_is_accepted(port: int) -> None:
    assert set_option(Settings(), "service_port", f" {port} ").service_port == port


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=65536)))
def test_ports_out_of_range_are_refused(port: int) -> None:
    with pytest.raises(InvalidInput) as err:
        set_option(Settings(), "service_port", str(port))
    assert err.value.field == "service_port"
    assert "from 1 to 65535" in err.value.message


@given(st.integers(1, 30000))
def test_refresh_interval_in_range(n: int) -> None:
    assert set_option(Settings(), "refresh-interval", str(n)).refresh_interval == n


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=30001)).map(str)
       | st.sampled_from(["", "5.5", "five", "1e3", "٣", "0x10", "-1"]))
def test_bad_refresh_interval_names_the_rule(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        set_option(Settings(), "refresh_interval", text)
    assert err.value.message == "refresh interval must be a whole number of seconds from 1 to 30000"


@given(st.text(max_size=12))
def test_set_option_never_raises_anything_else(text: str) -> None:
    for key in OPTIONS:
        try:
            set_option(Settings(), key, text)
        except InvalidInput as err:
            assert err.field == key


def test_log_size_units() -> None:
    assert parse_log_size("1024") == 1024
    assert parse_log_size("512 KB") == 512
    assert parse_log_size("5 MB") == 5 * 1024
    assert parse_log_size("1m") == 1024
    for bad in ("0", "2000 MB", "1.5 MB", "1 GB", ""):
        with pytest.raises(ValueError):
            parse_log_size(bad)


@pytest.mark.parametrize(("text", "value"), [("on", True), ("OFF", False), ("yes", True), ("0", False)])
def test_booleans(text: str, value: bool) -> None:
    s = set_option(Settings(), "stats_in_bytes", text)
    assert s.stats_in_bytes is value
    assert option_text(s, "stats_in_bytes") == ("on" if value else "off")


def test_unknown_option_and_bad_boolean() -> None:
    with pytest.raises(InvalidInput):
        set_option(Settings(), "colour", "red")
    with pytest.raises(InvalidInput) as err:
        set_option(Settings(), "alt_dns", "maybe")
    assert err.value.message == "alternative DNS must be on or off"


def test_set_option_leaves_the_original_untouched() -> None:
    s = Settings()
    t = set_option(s, "service_port", "7000")
    assert s.service_port == 6320 and t.service_port == 7000


def test_save_load_round_trip_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert load_settings(path) == Settings()
    s = set_option(set_option(Settings(), "service_port", "7000"), "max_log_kb", "2 MB")
    s = with_last_pair(s, Pair("fileprint", "fs01", "fs02"))
    s = remember_pair_defaults(s, ProtectionConfig("fileprint", "FS01", "FS02"))
    save_settings(s, path)
    assert load_settings(path) == s
    assert load_settings(path).last_pair == LastPair("fileprint", "FS01", "FS02")
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_bad_file_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"service_port": 99999, "refresh_interval": 60, "alt_dns": True,
                                "last_pair": {"app": 1}, "pair_defaults": {"evil.key": 1},
                                "unknown": "x"}))
    s = load_settings(path)
    assert s.service_port == 6320 and s.refresh_interval == 60 and s.alt_dns
    assert s.last_pair is None and dict(s.pair_defaults) == {}
    path.write_text("{broken")
    assert load_settings(path) == Settings()


def test_pair_defaults_carry_non_machine_settings_only() -> None:
    cfg = ProtectionConfig("fileprint", "FS01", "FS02")
    cfg.monitoring.interval, cfg.monitoring.missed = 2, 7
    cfg.connection.compression = 5
    cfg.connection.route = "127.0.10.12"  # machine-specific: not carried over
    s = remember_pair_defaults(Settings(), cfg)
    assert s.pair_defaults["monitoring.interval"] == 2

    fresh = apply_pair_defaults(s, ProtectionConfig("fileprint", "FS03", "FS02"))
    assert (fresh.monitoring.interval, fresh.monitoring.missed, fresh.connection.compression) == (2, 7, 5)
    assert fresh.connection.route == ""
    assert fresh.source == "FS03"

    wrong_type = Settings(pair_defaults={"monitoring.interval": "soon", "connection.route": "x"})
    kept = apply_pair_defaults(wrong_type, ProtectionConfig("fileprint", "A", "B"))
    assert kept.monitoring.interval == 5 and kept.connection.route == ""
