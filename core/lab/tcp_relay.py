"""A TCP relay: a lab server answering on an address it took over (identity failover).

A real engine listens on every address of its host, so an address the host
adds reaches it at once. A lab engine listens on its own loopback address
only; when its server takes over another address, this relay listens on
that address and port and joins each connection to the engine's own, so a
connection to the failed source's address really reaches the target.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpRelay:
    def __init__(self, listen: tuple[str, int], to: tuple[str, int]) -> None:
        self.to = to
        self._sock = socket.create_server(listen, reuse_port=False)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True,
                                        name=f"lab-relay-{listen[0]}:{listen[1]}")
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.to, 5)
            except OSError:
                client.close()  # the engine does not answer: neither does its address
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._conns.discard(a)
            a.close()

    def close(self) -> None:
        """Stop listening and drop the connections (the address is free again at return)."""
        self._stop.set()
        self._sock.close()
        self._thread.join(2)
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
