"""Application monitoring's pure logic and runner on a fake clock (SPEC F-6.2)."""

from __future__ import annotations

from core.engine.app_check import AppCheckSpec, AppLogic, service_failure
from core.engine.app_probe import builtin_check
from core.engine.clock import FakeClock
from core.engine.identity import HostOpFailed, HostRunner
from core.engine.monitor import MonitorRunner, MonitorSpec

IPS = ("127.0.41.1",)
APP = AppCheckSpec("builtin", interval=2.0, error_threshold=3, computer="SQL01",
                   services=("MSSQLSERVER", "SQLSERVERAGENT"))


def test_threshold_of_consecutive_failures_gives_the_reason() -> None:
    logic = AppLogic(threshold=3)
    out = [logic.record("MSSQLSERVER stopped on SQL01", float(i)) for i in range(3)]
    assert out == [None, None, "Application failure: MSSQLSERVER stopped on SQL01 (3 checks)"]


def test_a_passing_check_before_the_threshold_resets_the_count() -> None:
    logic = AppLogic(threshold=3)
    logic.record("MSSQLSERVER stopped on SQL01", 1.0)
    logic.record("MSSQLSERVER stopped on SQL01", 2.0)
    assert logic.record(None, 3.0) is None and logic.errors == 0
    out = [logic.record("MSSQLSERVER stopped on SQL01", 4.0 + i) for i in range(3)]
    assert out[:2] == [None, None] and out[2] is not None


def test_service_answer_is_read_case_insensitively() -> None:
    ok = {"services": [{"name": "mssqlserver", "state": "Running"},
                       {"name": "SQLSERVERAGENT", "state": "Running"}]}
    assert service_failure("SQL01", APP.services, ok) is None
    stopped = {"services": [{"name": "MSSQLSERVER", "state": "Stopped"}]}
    assert service_failure("SQL01", APP.services, stopped) == "MSSQLSERVER stopped on SQL01"
    assert service_failure("SQL01", ("X",), {"services": []}) == "X not found on SQL01"


def test_spec_round_trips_and_old_specs_still_load() -> None:
    spec = MonitorSpec(IPS, 6320, "heartbeat", 5.0, 5, "all", APP)
    assert MonitorSpec.from_dict(spec.to_dict()) == spec
    old = {"source_ips": list(IPS), "port": 6320, "method": "heartbeat", "interval": 5.0,
           "missed": 5, "trigger": "all"}
    assert MonitorSpec.from_dict(old).app is None
    assert "app" not in MonitorSpec.from_dict(old).to_dict()


async def test_runner_raises_condition_at_interval_times_threshold() -> None:
    clock = FakeClock()
    start = clock.monotonic()
    running = {"up": True}
    met_at: list[float] = []

    async def probe(ip: str) -> bool:
        return True  # heartbeats keep answering: only the application fails

    async def check() -> str | None:
        return None if running["up"] else "MSSQLSERVER stopped on SQL01"

    spec = MonitorSpec(IPS, 6320, "heartbeat", 5.0, 5, "all", APP)
    runner = MonitorRunner(spec, probe, clock, lambda: met_at.append(clock.monotonic()),
                           app_check=check)
    assert runner.app is not None
    await runner.app.run(rounds=2)
    assert not runner.logic.condition
    running["up"] = False
    stopped = clock.monotonic()
    await runner.app.run(rounds=2)
    running["up"] = True  # started again before the threshold: the count resets
    await runner.app.run(rounds=1)
    assert not runner.logic.condition and runner.app.logic.errors == 0
    running["up"] = False
    stopped = clock.monotonic()
    await runner.app.run(rounds=3)
    st = runner.logic.status("m")
    assert st.state == "failover_condition"
    assert st.reason == "Application failure: MSSQLSERVER stopped on SQL01 (3 checks)"
    assert len(met_at) == 1 and met_at[0] - stopped <= APP.interval * APP.error_threshold
    assert met_at[0] > start
    await runner.app.run(rounds=2)  # sticky: reported once
    assert len(met_at) == 1


def test_no_app_runner_without_spec_or_check() -> None:
    async def probe(ip: str) -> bool:
        return True

    plain = MonitorSpec(IPS, 6320, "heartbeat", 5.0, 5, "all")
    assert MonitorRunner(plain, probe, FakeClock()).app is None


class _Runner(HostRunner):
    """The engine's host runner, answering app_services from a dict (or failing)."""

    def __init__(self, states: dict[str, str] | None) -> None:
        super().__init__(["unused"])
        self.states = states
        self.asked: list[tuple[str, dict]] = []

    def run(self, op: str, params: dict) -> dict:
        self.asked.append((op, params))
        if self.states is None:
            raise HostOpFailed("app_services failed: The RPC server is unavailable.")
        return {"computer": params["computer"],
                "services": [{"name": n, "state": s} for n, s in self.states.items()]}


async def test_builtin_check_reads_the_sources_services_through_the_runner() -> None:
    runner = _Runner({"MSSQLSERVER": "Running", "SQLSERVERAGENT": "Running"})
    assert await builtin_check(APP, runner) is None
    assert runner.asked == [("app_services", {"computer": "SQL01",
                                              "names": ["MSSQLSERVER", "SQLSERVERAGENT"]})]
    runner.states = {"MSSQLSERVER": "Stopped", "SQLSERVERAGENT": "Running"}
    assert await builtin_check(APP, runner) == "MSSQLSERVER stopped on SQL01"
    runner.states = None
    assert await builtin_check(APP, runner) == (
        "the services of SQL01 could not be read (app_services failed: The RPC server is "
        "unavailable.)")
