"""The Dashboard's and ``status --watch``'s rows (tui.pair_rows): a row's texts are
kept between polls, so every fact they are made from must make them again."""

from __future__ import annotations

from dataclasses import fields, replace

from core.model.overview import PairOverview
from tests.tui.tui_fake_dashboard import MB, row
from tests.tui.tui_fake_estate import NOW
from tui.pair_rows import PairRows


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
