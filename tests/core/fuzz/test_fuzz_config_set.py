"""Fuzz tier (issue 11): every ``config set`` key of every application, and every
Options field, driven with hostile text through the one entry point that the forms
and the CLI share (Console.config_set: apply, check, save; core.settings.set_option).

Properties: a value is refused with an InvalidInput that names a field, or it is
saved and ``config show`` writes it back in a form that reads back to the same
configuration; nothing else is ever raised; a refusal saves nothing; no value that
is shown holds a control character. Bounded so CI runs it in seconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.apps.registry import get_app
from core.config.edit import apply_assignments, get_text
from core.config.fields import FIELDS, PLAN_EDIT_PREFIX, applies
from core.console import Console
from core.errors import InvalidInput
from core.model.pair import Pair
from core.settings import OPTIONS, Settings, option_text, set_option
from core.visible import has_controls
from tests.core.apps.app_estate import make_world

PAIRS = {"exchange": ("EXCH01", "EXCH02"), "sql": ("SQL01", "SQL02"),
         "fileprint": ("FS01", "FS02"), "sharepoint": ("SP01", "SP02"),
         "blackberry": ("BES01", "BES02")}
KEYS = {app: [k for k, spec in FIELDS.items() if applies(spec, app)]
        + [PLAN_EDIT_PREFIX + phase for phase in get_app(app).plan_phases] for app in PAIRS}
PATH_KEYS = {"connection.volume_paths", "advanced.rules", "connection.target_paths",
             "monitoring.application.script_path", "advanced.set_name"}
ALL = [(app, key) for app, keys in KEYS.items() for key in keys]

#: what people paste and what attackers type: other scripts' digits, huge numbers,
#: paths that only fail at Enable, control characters, markup, overlong text
NASTY = ["٥", "５", "²", "𝟓", "1²", "9" * 5000, "-1", "0", "1", "+5", "65535", "2147483648",
         "E:\\a\\..\\b", "E:\\.", "E:\\Data", "E:\\NUL", "E:\\x. ", "..", ".", "", " ",
         "[bold]x[/]", "[/]", "LAB\\adm\x1bcin", "a\x1b]0;t\x07", "x\u202ey", "\x00", "\r\n",
         "a" * 40000, "on", "off", "127.0.0.1", "127.0.72.5:53/source", "256.1.1.1",
         "include:E:\\x", "exclude:E:\\x\\..", "MSSQLSERVER/sales", "MSSQLSERVER/sales=F:\\x",
         "FS01", "fs01.lab.example.com", "x" * 300, "E", "E,S", "/24", "255.255.255.0",
         "2025-01-31T22:00", "２０２５-01-31T22:00", "dns", "heartbeat", "Svc/stop",
         "127.0.42.11:127.0.42.12"]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=40),
                   st.integers(-10**12, 10**12).map(str),
                   st.lists(st.sampled_from(NASTY[:30]), max_size=3).map(",".join))
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Console:
    return Console(make_world(Path(tmp_path_factory.mktemp("fuzz"))).ctx, advanced=True)


def _saved(console: Console, app: str) -> dict | None:
    cfg = console.store.load_config(Pair(app, *PAIRS[app]))
    return None if cfg is None else cfg.to_dict()


def check_one(console: Console, app: str, key: str, value: str, *, save: bool = True) -> None:
    """The property, for one ``key=value`` on one application's pair (``save``: through
    config_set, as the CLI; else through apply, as a form before OK)."""
    before = _saved(console, app) if save else None
    try:
        if save:
            cfg = console.configure.config_set(Pair(app, *PAIRS[app]), [f"{key}={value}"]).config
        else:
            cfg = console.configure.apply(console.configure.load_config(Pair(app, *PAIRS[app])), [f"{key}={value}"])
    except InvalidInput as err:
        assert err.field and err.message, (key, value)
        assert err.field == key or err.field.split(".")[0] in {k.split(".")[0] for k in FIELDS}, \
            (key, err.field)
        assert len(err.message) < 600, (key, len(err.message))
        if save:
            assert _saved(console, app) == before, f"{key}: saved after a refusal"
        return
    if save:
        assert _saved(console, app) == cfg.to_dict()
    if key.startswith(PLAN_EDIT_PREFIX):
        assert cfg.advanced.plan_edits.get(key[len(PLAN_EDIT_PREFIX):], "") == \
            (value if value.strip() else "")
        return
    shown = get_text(cfg, key)
    assert not has_controls(shown), (key, shown)
    # never read as another value: a digit of another script is kept as typed or refused
    misread = [c for c in value if c.isdigit() and not c.isascii() and c not in shown]
    assert not misread, (key, value, shown)
    # nothing accepted that Windows would resolve elsewhere at Enable
    if key in PATH_KEYS:
        assert not re.search(r"(^|[\\:;>=])\.{1,2}($|[\\;,>])", shown), (key, shown)
    line = f"{key}={shown}"
    if save:
        assert line in console.configure.config_show(Pair(app, *PAIRS[app])).assignments
    again = apply_assignments(cfg, [line], advanced=True)  # what config show printed reads back
    assert get_text(again, key) == shown


@pytest.mark.parametrize(("app", "key"), ALL, ids=[f"{a}:{k}" for a, k in ALL])
def test_every_key_with_every_nasty_value(console: Console, app: str, key: str) -> None:
    for value in NASTY:
        check_one(console, app, key, value, save=False)


@FUZZ
@given(data=st.data())
def test_any_key_any_text(console: Console, data: st.DataObject) -> None:
    app, key = data.draw(st.sampled_from(ALL))
    check_one(console, app, key, data.draw(VALUES))


@FUZZ
@given(key=st.sampled_from(sorted(OPTIONS)), value=VALUES)
def test_options_refuse_with_the_option_named_or_round_trip(key: str, value: str) -> None:
    try:
        new = set_option(Settings(), key, value)
    except InvalidInput as err:
        assert err.field == key and err.message
        assert len(err.message) < 600
        return
    shown = option_text(new, key)
    assert not has_controls(shown)
    assert getattr(set_option(Settings(), key, shown), key) == getattr(new, key)
