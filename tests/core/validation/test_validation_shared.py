"""What validations of one Context share: directory facts (kept a while), DNS answers
(a few seconds), reads of a server in flight (never kept); and checks that read only the
gathered inventories run on the caller's thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import Refused
from core.validation import validate
from core.validation.base import Check, passed, registered_checks
from core.validation.shared import DNS_TTL, FACTS_TTL, shared
from tests.core.doubles import FakeWorld
from tests.core.validation.vhelp import config_for


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    ev = threading.Event()
    yield ev
    ev.set()


def test_a_fact_is_kept_until_its_time_is_up(world: FakeWorld) -> None:
    calls: list[int] = []
    facts = shared(world.ctx)
    assert shared(world.ctx) is facts

    def count() -> int:
        calls.append(1)
        return len(calls)

    assert [facts.fact("k", count) for _ in range(3)] == [1, 1, 1]
    world.ctx.clock.advance(FACTS_TTL + 1)  # type: ignore[attr-defined]
    assert facts.fact("k", count) == 2


def test_a_failed_fact_is_not_kept(world: FakeWorld) -> None:
    facts = shared(world.ctx)

    def boom() -> int:
        raise Refused("no")

    with pytest.raises(Refused):
        facts.fact("k", boom)
    assert facts.fact("k", lambda: 7) == 7


def test_concurrent_callers_compute_a_fact_once(world: FakeWorld, gate: threading.Event) -> None:
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        gate.wait(5)
        return "done"

    facts = shared(world.ctx)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(facts.fact, "slow", slow) for _ in range(4)]
        while not calls:
            threading.Event().wait(0.01)
        gate.set()
        assert [f.result(5) for f in futures] == ["done"] * 4
    assert calls == [1]


def test_concurrent_validations_read_a_shared_server_once(world: FakeWorld,
                                                          gate: threading.Event) -> None:
    world.hosts["FS01"].gate = gate  # hold FS01's inventory until both validations wait for it
    cfg_a, cfg_b = config_for(world, "FS01", "FS02"), config_for(world, "FS01", "FS03")
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(validate, world.ctx, c, timeout=5) for c in (cfg_a, cfg_b)]
        while sum(c[0] == "inventory" for c in world.hosts["FS03"].calls + world.hosts[
                "FS02"].calls) < 2:
            threading.Event().wait(0.01)
        gate.set()
        reports = [j.result(10) for j in jobs]
    assert [c for c in world.hosts["FS01"].calls if c[0] == "inventory"] == [("inventory",)]
    assert reports[0].ok and [r.id for r in reports[1].errors] == ["servers.drives"]
    # not kept: the next validation reads FS01 again
    validate(world.ctx, cfg_a)
    assert sum(c[0] == "inventory" for c in world.hosts["FS01"].calls) == 2


def test_dns_answers_are_shared_for_a_few_seconds(world: FakeWorld) -> None:
    fake = world.dns["127.0.10.1"]
    validate(world.ctx, config_for(world))
    probes = len(fake.probed)
    validate(world.ctx, config_for(world))
    assert len(fake.probed) == probes  # the second validation asked nobody
    world.ctx.clock.advance(DNS_TTL + 1)  # type: ignore[attr-defined]
    validate(world.ctx, config_for(world))
    assert len(fake.probed) == 2 * probes


def test_checks_of_gathered_data_run_inline_and_remote_ones_on_threads(world: FakeWorld) -> None:
    here = threading.current_thread().name
    seen: dict[str, str] = {}

    def where(cid: str) -> Check:
        def run(v: object) -> object:
            seen[cid] = threading.current_thread().name
            return passed("ok")
        return Check(cid, cid, "servers", run)  # type: ignore[arg-type]

    local = where("t.local")
    local = Check(local.id, local.title, local.group, local.run, inline=True)
    validate(world.ctx, config_for(world), checks=[local, where("t.remote")])
    assert seen["t.local"] == here and seen["t.remote"] != here
    inline = {c.id for c in registered_checks() if c.inline}
    assert "servers.drives" in inline and "dns.reachable" not in inline
    assert not any(set(c.touches) & {"dns", "directory", "hosts"}
                   for c in registered_checks() if c.inline)
