"""core.engine.tasks: cancellations asked for are absorbed, real errors are not."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.engine.tasks import cancel_and_wait, run_to_end


async def test_cancel_and_wait_absorbs_the_cancel_and_logs_a_real_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def quiet() -> None:
        await asyncio.sleep(60)

    async def buggy() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise ValueError("broken clean-up") from None

    tasks = [asyncio.create_task(quiet()), asyncio.create_task(buggy())]
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="core.engine.tasks"):
        await cancel_and_wait(tasks, "the test task")
    assert tasks[0].cancelled() and tasks[1].done()
    assert [r.getMessage() for r in caplog.records] == [
        "the test task ended with an error: ValueError: broken clean-up"
    ]


async def test_cancel_and_wait_passes_on_the_callers_own_cancellation() -> None:
    ended = asyncio.Event()

    async def slow_to_end() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            await ended.wait()

    inner = asyncio.create_task(slow_to_end())
    await asyncio.sleep(0)
    outer = asyncio.create_task(cancel_and_wait([inner], "inner"))
    await asyncio.sleep(0)
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    ended.set()
    with pytest.raises(asyncio.CancelledError):
        await inner


async def test_run_to_end_finishes_the_clean_up_then_passes_the_cancel_on() -> None:
    steps: list[str] = []
    release = asyncio.Event()

    async def clean_up() -> str:
        steps.append("started")
        await release.wait()
        steps.append("finished")
        return "done"

    async def caller() -> str:
        return await run_to_end(clean_up())

    task = asyncio.create_task(caller())
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.sleep(0)
    task.cancel()  # twice: still not halfway
    await asyncio.sleep(0)
    assert not task.done()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steps == ["started", "finished"]
    assert await run_to_end(asyncio.sleep(0, "value")) == "value"
