"""Fixtures for the TUI tests: a fresh fake façade and an app over it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import textual._wait  # noqa: E402
from textual.widgets import Button  # noqa: E402

from tests.tui.tui_fake_api import FakeApi  # noqa: E402

# A pressed button ignores Enter for 0.2 s (its "active" flash); the tests press faster
# than any person, so they do without the flash.
Button._start_active_affect = lambda self: None  # type: ignore[method-assign]  # see above
# Pilot.pause() waits for the CPU to idle in 20 ms slices; the fake façade answers at
# once, so 5 ms slices see the same idle moments sooner (the whole suite: ~40% faster).
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path))
    os.environ.pop("EDITOR", None)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()
