"""``appmgr status`` without a pair: one table row per pair, rates as a sparkline."""

from __future__ import annotations

from tui.cli.status_table import StatusTable, age, spark

NOW = 1_700_000_000.0


def _doc(source: str, rate: float, hb: float | None, snap: float | None) -> dict:
    return {"app": "fileprint", "source": source, "target": "FS02", "state": "Protected",
            "operation": "", "mirror": {"status": "complete", "percent": 100.0},
            "counters": {"queued_ops": 3, "queued_bytes": 2048, "transfer_rate": rate},
            "monitor": None if hb is None else {"last_heartbeat": hb, "last_snapshot": snap}}


def test_one_row_per_pair_with_ages_and_the_rate_trend() -> None:
    table = StatusTable()
    table.render([_doc("FS01", 0, NOW - 3, None), _doc("FS03", 10, None, None)], NOW)
    text = table.render([_doc("FS01", 2048, NOW - 3, NOW - 600),
                         _doc("FS03", 5, None, None)], NOW)
    head, fs01, fs03 = text.splitlines()
    assert head.split() == ["PAIR", "APP", "STATE", "MIRROR", "QUEUE", "RATE", "TREND", "HB",
                            "SNAP"]
    assert fs01.split()[:3] == ["FS01→FS02", "fileprint", "Protected"]
    assert "3 2.0 KB" in fs01 and "2.0 KB/s" in fs01 and "▁█" in fs01
    assert fs01.split()[-4:] == ["3", "s", "10", "min"]
    assert fs03.split()[-2:] == ["—", "—"]


def test_spark_and_age() -> None:
    assert spark([]) == "" and spark([0, 0]) == "▁▁" and spark([1, 2, 4]) == "▃▅█"
    assert [age(NOW - s, NOW) for s in (5, 600, 3 * 3600, 3 * 86400)] == [
        "5 s", "10 min", "3 h", "3 d"]
    assert age(None, NOW) == "—"
    assert StatusTable().render([], NOW) == "no pairs yet"
