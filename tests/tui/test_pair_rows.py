"""The Dashboard's and ``status --watch``'s rows (tui.pair_rows): a row's texts are
kept between polls, so every fact they are made from must make them again."""

from __future__ import annotations

from dataclasses import fields, replace

from core.model.overview import PairOverview
from tests.tui.tui_fake_dashboard import MB, row
from tests.tui.tui_fake_estate import NOW
from tui.pair_rows import COLUMNS, KEYS, NARROW, PAD, STATE_MIN, Column, PairRows, fit


def test_a_row_is_made_again_when_any_fact_changes_and_ages_always_count() -> None:
    rows = PairRows()
    ov = row("FS01", "FS02", queued=3, queued_bytes=MB, rate=2 * MB)
    rows.add([ov])
    first = rows.cells(ov, NOW)
    assert first["queue"] == "3 1.0 MB" and first["hb"] == "<10 s"
    # the facts, changed one at a time: each shows (nothing is served from the last poll)
    assert rows.cells(replace(ov, queued_bytes=2 * MB), NOW)["queue"] == "3 2.0 MB"
    assert rows.cells(replace(ov, state="Degraded", condition="Target unreachable"),
                      NOW)["state"] == "Degraded — Target unreachable"
    assert rows.cells(replace(ov, counters=False), NOW)["mirror"] == "—"
    assert rows.cells(ov, NOW) == first
    # the ages count from the clock at every call, from the same facts
    assert rows.cells(ov, NOW + 60)["hb"] == "63 s"
    assert rows.cells(replace(ov, read_at=NOW + 1), NOW) == first
    rows.add([ov])  # a second rate: the trend changes, so the row is made again
    assert rows.cells(ov, NOW)["trend"] == "██"


def test_every_overview_field_but_the_ages_and_the_read_time_is_a_fact() -> None:
    """A field added to the overview later must reach the row (or be named here)."""
    from tui import pair_rows

    shown_as_ages = {"last_heartbeat", "last_snapshot", "read_at"}
    assert set(pair_rows._FACTS) == {f.name for f in fields(PairOverview)} - shown_as_ages


def test_a_narrow_dashboard_keeps_the_columns_that_fit_and_gives_the_state_the_rest() -> None:
    def state(cols: tuple[Column, ...]) -> int | None:
        return next(c.width for c in cols if c.key == "state")

    def width(cols: tuple[Column, ...], pair: int) -> int:
        return sum(c.width or pair for c in cols) + PAD * len(cols)

    assert fit(96, 9, 9) == fit(160, 17, 29) == COLUMNS  # room: every column, as ever
    # 80 columns (less a scrollbar), a Degraded row: the trend and the application go
    for total, pair, shown in ((78, 9, 13), (80, 13, 11), (78, 13, STATE_MIN)):
        cols = fit(total, pair, 29)  # FS01→FS02, EXCH01→EXCH02
        assert [c.key for c in cols] == ["pair", "state", "mirror", "queue", "rate", "hb",
                                         "snap"]
        assert state(cols) == shown and width(cols, pair) == total  # no cell more
    assert state(fit(78, 20, 29)) == STATE_MIN  # no less: the table scrolls
    assert state(fit(78, 9, 11)) is None  # "Failed over": whole, as wide as it is
    # every column while the states themselves are whole: only a long condition is cut
    wide = fit(118, 13, 29)
    assert [c.key for c in wide] == list(KEYS)
    assert state(wide) == 27 and width(wide, 13) == 118
    assert fit(103, 9, 16) == COLUMNS and fit(102, 9, 16) == NARROW  # "Failure detected"
