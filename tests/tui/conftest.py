"""Fixtures for the TUI tests: a fresh fake façade and an app over it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_api import FakeApi  # noqa: E402
from fake_estate import NOW  # noqa: E402

from tui.app import AppmgrApp  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path))
    os.environ.pop("EDITOR", None)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


def make_app(api: FakeApi, **kwargs: object) -> AppmgrApp:
    kwargs.setdefault("preselect_app", "fileprint")
    return AppmgrApp(api, clock=lambda: NOW, **kwargs)
