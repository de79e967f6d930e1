"""Pure parts of the TUI: refresh policy, formatting, action rules, form plumbing."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.stats import JobStats
from tui.actions import ACTIONS, BY_ID, TWIN_OF
from tui.configure import form
from tui.fmt import ago, rate, size
from tui.help_text import HELP, help_for
from tui.refresh import RefreshPolicy, counters_changed, is_busy
from tui.session import Session


@pytest.mark.parametrize(("auto", "busy", "changed", "current", "expected"), [
    (True, True, False, 8.0, 1.0),  # mirroring: fast
    (True, False, True, 8.0, 1.0),  # counters moved: fast
    (True, False, False, 1.0, 2.0),  # idle: back off…
    (True, False, False, 8.0, 10.0),  # …up to the slow limit
    (False, True, True, 1.0, 42.0),  # manual wins
])
def test_refresh_policy(auto, busy, changed, current, expected):
    got = RefreshPolicy().next_interval(auto=auto, manual=42, busy=busy, changed=changed,
                                        current=current)
    assert got == expected


def test_busy_and_changed():
    idle = SimpleNamespace(state="Protected", stats=JobStats(mirror_status="complete"))
    assert not is_busy(idle)
    assert is_busy(SimpleNamespace(state="Mirroring", stats=JobStats()))
    assert is_busy(SimpleNamespace(state="Protected", stats=JobStats(queued_ops=3)))
    assert counters_changed(JobStats(bytes_sent=1), JobStats(bytes_sent=2))
    assert not counters_changed(JobStats(bytes_sent=1), JobStats(bytes_sent=1))


def test_formatting():
    assert size(1_258_291) == "1.2 MB"
    assert size(1_258_291, in_bytes=True) == "1,258,291 bytes"
    assert size(3 * 1024**4) == "3.0 TB"
    assert rate(52_428_800) == "50.0 MB/s"
    assert ago(None, 100) == "never"
    assert ago(97, 100) == "3 s ago"
    assert ago(100 - 600, 100) == "10 min ago"


def test_every_menu_action_of_f3_has_a_key_and_keys_are_unique():
    f3 = {"new", "quit", "options", "delegate_rights", "configure", "validate", "enable",
          "disable", "enable_monitoring", "disable_monitoring", "failover", "failback",
          "restore", "source_dfo_log", "target_dfo_log", "source_exch_log", "target_exch_log",
          "manage_sql", "verify_target", "restore_pf_tree", "manage_snapshots", "welcome",
          "help", "about"}
    assert f3 <= set(BY_ID)
    keys: dict[str, str] = {}
    for a in ACTIONS:
        other = keys.setdefault(a.key, a.id)
        assert other == a.id or TWIN_OF.get(a.id) == other, (a.key, a.id, other)


def test_session_reasons_follow_state():
    s = Session(application=SimpleNamespace(id="fileprint", protectable=True))
    assert s.label_and_reason(BY_ID["validate"])[1] == "Select a source and a target server first."
    assert s.label_and_reason(BY_ID["verify_target"])[1] == (
        "Verify Target Data is for SQL Server and Exchange only.")
    ex = Session(application=SimpleNamespace(id="exchange", protectable=True))
    assert "--advanced" in (ex.label_and_reason(BY_ID["restore_pf_tree"])[1] or "")
    ex.advanced = True
    assert ex.label_and_reason(BY_ID["restore_pf_tree"])[1] == (
        "Select a source and a target server first.")
    assert ex.label_and_reason(BY_ID["delegate_rights"])[1] is None  # no pair needed
    assert s.label_and_reason(BY_ID["manage_snapshots"])[1] == (
        "Select a source and a target server first.")
    s.source, s.target = "FS01", "FS02"
    s.allowed = {"enable": ("Enable Protection", None), "disable": ("Disable", "not on"),
                 "failover": ("Failover", "no failure"), "failback": ("Failback", None)}
    s.results = [SimpleNamespace(status="error")]
    assert "1 validation error" in s.label_and_reason(BY_ID["enable"])[1]
    s.results = []
    assert "Validate the configuration first" in s.label_and_reason(BY_ID["enable"])[1]
    s.validated = True
    assert s.label_and_reason(BY_ID["enable"]) == ("Enable Protection", None)
    assert s.shown(BY_ID["enable"]) and not s.shown(BY_ID["disable"])
    assert s.shown(BY_ID["failback"]) and not s.shown(BY_ID["failover"])


def test_form_assignments_and_error_paths():
    cfg = ProtectionConfig("fileprint", "FS01", "FS02")
    assert form.get_path(cfg, "monitoring.interval") == 5
    assert form.text_of(True) == "true" and form.text_of(None) == ""
    assert form.field_id("failover.dns.ttl") == "f-failover-dns-ttl"
    assert form.error_id("failover.dns.ttl") == "err-failover-dns-ttl"
    err = InvalidInput("monitoring.interval", "must be 1 to 3600")
    assert err.field == "monitoring.interval"


def test_help_texts_are_one_line_and_found_through_ancestors():
    assert all("\n" not in text and len(text) <= 100 for text in HELP.values())
    child = SimpleNamespace(id=None, tooltip=None, parent=SimpleNamespace(
        id="domain", tooltip=None, parent=None))
    assert help_for(child) == HELP["domain"]


def test_run_module_does_not_import_textual():
    """Headless commands import tui.run's caller path without paying for Textual."""
    code = "import sys, tui.run; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_exchfailover_log_is_offered_for_exchange_only():
    from tui.screens.log_viewer import LogViewerScreen

    viewer = LogViewerScreen(["EXCH01", "EXCH02"], "exchange", "EXCH02", exchange=True)
    assert viewer.initial == "exchange:EXCH02"
    assert ("ExchFailover log EXCH01", "exchange:EXCH01") in viewer.choices
    other = LogViewerScreen(["FS01", "FS02"], "dfo", "FS01")
    assert not any(v.startswith("exchange:") for _, v in other.choices)
    s = Session(application=SimpleNamespace(id="fileprint", protectable=True))
    assert "Exchange" in (s.label_and_reason(BY_ID["source_exch_log"])[1] or "")
    assert not BY_ID["source_exch_log"].later and not BY_ID["target_exch_log"].later
