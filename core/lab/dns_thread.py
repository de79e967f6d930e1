"""Run the lab DNS server in a thread of a synchronous program (tests, scripts)."""

from __future__ import annotations

import asyncio
import threading

from core.lab.dns_server import LabDnsServer


class DnsServerThread:
    """Run a :class:`LabDnsServer` in its own event loop on a daemon thread."""

    def __init__(self, server: LabDnsServer) -> None:
        self.server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 5.0) -> LabDnsServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.server.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name="lab-dns", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the lab DNS server did not start in time")
        if failure:
            raise failure[0]
        return self.server

    async def _shutdown(self) -> None:
        await self.server.stop()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)

    def __enter__(self) -> LabDnsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
