"""``appmgr status`` without a pair: one table row per pair, rates as a sparkline
(the columns and words are the Dashboard screen's: tui.pair_rows)."""

from __future__ import annotations

from core.model.overview import PairOverview
from core.model.pair import Pair
from tui.cli.status_table import EMPTY, StatusTable
from tui.pair_rows import age, spark

NOW = 1_700_000_000.0


def _ov(source: str, rate: float, hb: float | None, snap: float | None,
        state: str = "Protected", condition: str = "") -> PairOverview:
    return PairOverview(Pair("fileprint", source, "FS02"), state, condition, "", 100.0, 3, 2048,
                        rate, hb, snap, NOW, 0)


def test_one_row_per_pair_with_ages_and_the_rate_trend() -> None:
    table = StatusTable()
    table.render([_ov("FS01", 0, NOW - 3, None), _ov("FS03", 10, None, None)], NOW)
    text = table.render([_ov("FS01", 2048, NOW - 3, NOW - 600),
                         _ov("FS03", 5, None, None, "Degraded", "Target unreachable")], NOW)
    head, fs01, fs03 = text.splitlines()
    assert head.split() == ["PAIR", "STATE", "MIRROR", "QUEUE", "TREND", "RATE",
                            "HB", "SNAP", "APP"]
    assert fs01.split()[:2] == ["FS01→FS02", "Protected"] and fs01.split()[-1] == "fileprint"
    assert "3 2.0 KB" in fs01 and "2.0 KB/s" in fs01 and "▁█" in fs01
    assert fs01.split()[-5:-1] == ["<10", "s", "10", "min"]
    assert "Degraded — Target unreachable" in fs03
    assert fs03.split()[-3:-1] == ["—", "—"]


def test_spark_and_age() -> None:
    assert spark([]) == "" and spark([0, 0]) == "▁▁" and spark([1, 2, 4]) == "▃▅█"
    assert [age(NOW - s, NOW) for s in (5, 42, 600, 3 * 3600, 3 * 86400)] == [
        "<10 s", "42 s", "10 min", "3 h", "3 d"]
    assert age(None, NOW) == "—"
    assert StatusTable().render([], NOW) == EMPTY
    assert "appmgr protect SOURCE TARGET" in EMPTY
