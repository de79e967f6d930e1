"""The lab DNS server: authoritative for the estate's zones, RFC 2136 updates with TSIG.

Real DNS wire protocol over UDP and TCP (asyncio). Queries need no TSIG; an
UPDATE must be signed with the estate's key: unsigned -> REFUSED, unknown key
-> NOTAUTH + TSIG BADKEY, wrong secret -> NOTAUTH + TSIG BADSIG (RFC 8945;
those error answers are unsigned, as the RFC says). Answers to signed
requests are signed. Zones persist in ``<state_dir>/zones.json`` after every
applied update and are reloaded on start, so a restarted lab keeps its
failover state.

The lab supervisor runs it in its own event loop (``await start()`` /
``await stop()``); tests and scripts may use
:class:`core.lab.dns_thread.DnsServerThread`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig

from core.dns.dnspython_key import dnspython_key
from core.dns.tsig_key import TsigKey
from core.lab.dns_answer import answer_query
from core.lab.dns_tcp import serve_tcp
from core.lab.dns_update import process_update
from core.lab.dns_zones import Zone, build_zones, empty_zone, load_zones, save_zones
from core.lab.estate import Estate

log = logging.getLogger(__name__)
ZONES_FILE = "zones.json"


class LabDnsServer:
    """Serve ``estate``'s zones on ``ip:port`` (port 0 picks a free port, see :attr:`port`).

    ``extra_keys`` are keys the server knows (it verifies and signs with them)
    that may not update any zone: what a BIND key outside ``allow-update`` is.
    ``update_keys`` may update, besides the estate's key (see
    :mod:`core.lab.dns_accounts` for the accounts' keys).
    """

    def __init__(self, estate: Estate, state_dir: Path, ip: str, port: int,
                 extra_keys: Sequence[TsigKey] = (),
                 update_keys: Sequence[TsigKey] = ()) -> None:
        self.estate = estate
        self.state_file = Path(state_dir) / ZONES_FILE
        self.ip = ip
        self.port = port
        self._update_key = TsigKey(estate.tsig_key_name, estate.tsig_algorithm, estate.tsig_secret)
        keys = [self._update_key, *update_keys, *extra_keys]
        self._may_update = {dns.name.from_text(k.name) for k in (self._update_key, *update_keys)}
        self._keys = {dns.name.from_text(k.name): dnspython_key(k) for k in keys}
        self._zones: dict[dns.name.Name, Zone] = {}
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None
        self._clients: set[asyncio.StreamWriter] = set()

    # --- lifecycle -----------------------------------------------------------------
    def load(self) -> None:
        """Zones from the state file when it belongs to this estate, else fresh from the estate."""
        zones = load_zones(self.state_file, self.estate)
        if zones is None:
            self.reset()
        else:
            self._zones = zones

    def reset(self) -> None:
        """Rebuild the zones from the estate (forgetting every update) and save them."""
        self._zones = build_zones(self.estate)
        save_zones(self.state_file, self._zones, self.estate)

    async def start(self) -> None:
        """Load the zones and listen on UDP and TCP (the same port number)."""
        self.load()
        loop = asyncio.get_running_loop()
        for attempt in range(5):
            udp, _ = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self), local_addr=(self.ip, self.port))
            port = udp.get_extra_info("sockname")[1]
            try:
                self._tcp = await asyncio.start_server(
                    self._serve_client, self.ip, port)
            except OSError:
                udp.close()
                if self.port != 0 or attempt == 4:
                    raise
                continue  # the random UDP port was taken for TCP: pick another
            self._udp, self.port = udp, port
            break
        log.info("lab DNS serving %s on %s:%d", ", ".join(z.to_text() for z in self._zones),
                 self.ip, self.port)

    async def _serve_client(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        self._clients.add(writer)
        try:
            await serve_tcp(self.handle, reader, writer)
        finally:
            self._clients.discard(writer)

    async def stop(self) -> None:
        """Stop listening and drop open TCP connections."""
        for writer in list(self._clients):
            writer.close()
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        if self._tcp is not None:
            self._tcp.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._tcp.wait_closed(), 2.0)
            self._tcp = None

    async def add_zone_async(self, origin: str) -> bool:
        """Create an empty zone (SOA, NS) and save it; False when it exists. Runs on the
        server's loop, like updates, so the two never race."""
        return self.add_zone(origin)

    def add_zone(self, origin: str) -> bool:
        name = dns.name.from_text(origin.rstrip(".") + ".")
        if name in self._zones:
            return False
        zones = dict(self._zones)
        zones[name] = empty_zone(self.estate, name)
        save_zones(self.state_file, zones, self.estate)
        self._zones = zones
        log.info("lab DNS created zone %s", name.to_text())
        return True

    @property
    def zones(self) -> dict[dns.name.Name, Zone]:
        """A snapshot of the zones (updates swap in new objects, never mutate these)."""
        return dict(self._zones)

    # --- one message in, one message out ----------------------------------------
    def handle(self, wire: bytes, udp: bool) -> bytes | None:
        """The wire answer to ``wire`` (None when it is not worth an answer)."""
        try:
            msg = dns.message.from_wire(wire, keyring=self._key_for, one_rr_per_rrset=True)
        except dns.message.UnknownTSIGKey:
            return self._tsig_error(wire, dns.rcode.BADKEY)
        except (dns.tsig.BadKey, dns.tsig.BadAlgorithm):
            return self._tsig_error(wire, dns.rcode.BADKEY)
        except dns.tsig.BadSignature:
            return self._tsig_error(wire, dns.rcode.BADSIG)
        except dns.tsig.BadTime:
            return self._tsig_error(wire, dns.rcode.BADTIME)
        except dns.exception.DNSException:
            return _formerr(wire)
        if msg.flags & dns.flags.QR:
            return None
        resp = dns.message.make_response(msg)
        if msg.opcode() == dns.opcode.QUERY:
            answer_query(self._zones, msg, resp)
        elif msg.opcode() == dns.opcode.UPDATE:
            self._update(msg, resp)
        else:
            resp.set_rcode(dns.rcode.NOTIMP)
        limit = 65535
        if udp:
            limit = max(512, msg.payload) if msg.edns >= 0 else 512
        return resp.to_wire(max_size=limit, prefer_truncation=True)

    def _key_for(self, _msg: dns.message.Message, name: dns.name.Name) -> dns.tsig.Key | None:
        return self._keys.get(name)

    def _update(self, msg: dns.message.Message, resp: dns.message.Message) -> None:
        signer = msg.keyname if msg.had_tsig else None
        outcome = process_update(self._zones, msg, lambda _origin: signer in self._may_update)
        who = signer.to_text() if signer is not None else "unsigned"
        if outcome.zone is not None:
            zones = dict(self._zones)
            zones[outcome.zone.origin] = outcome.zone
            try:
                save_zones(self.state_file, zones, self.estate)
            except OSError as exc:  # not persisted -> not applied
                log.error("lab DNS cannot save %s: %s", self.state_file, exc)
                resp.set_rcode(dns.rcode.SERVFAIL)
                return
            self._zones = zones
        log.info("lab DNS update (%s): %s — %s", who, dns.rcode.to_text(dns.rcode.Rcode(outcome.rcode)),
                 outcome.reason)
        resp.set_rcode(dns.rcode.Rcode(outcome.rcode))

    def _tsig_error(self, wire: bytes, error: int) -> bytes | None:
        """NOTAUTH with an unsigned TSIG record carrying ``error`` (RFC 8945 §5.3.2)."""
        try:
            msg = dns.message.from_wire(wire, keyring=False)  # read it without verifying
        except dns.exception.DNSException:
            return _formerr(wire)
        if msg.flags & dns.flags.QR or msg.tsig is None:
            return None
        resp = dns.message.make_response(msg)
        resp.set_rcode(dns.rcode.NOTAUTH)
        tsig = dns.rdtypes.ANY.TSIG.TSIG(
            dns.rdataclass.ANY, dns.rdatatype.TSIG, msg.keyalgorithm, int(time.time()),
            300, b"", msg.id, error, b"")
        if msg.keyname is None:  # a TSIG record always names its key
            return _formerr(wire)
        resp.tsig = dns.rrset.from_rdata(msg.keyname, 0, tsig)
        log.info("lab DNS: TSIG %s from key %s", dns.rcode.to_text(dns.rcode.Rcode(error)),
                 msg.keyname)
        return resp.to_wire()


def _formerr(wire: bytes) -> bytes | None:
    """A bare FORMERR echoing the id and opcode, when the header is readable."""
    if len(wire) < 12 or wire[2] & 0x80:
        return None
    flags = 0x8000 | (wire[2] & 0x78) << 8 | dns.rcode.FORMERR
    return wire[:2] + flags.to_bytes(2, "big") + bytes(8)


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, server: LabDnsServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            out = self.server.handle(data, udp=True)
        except Exception:  # one bad packet must not stop the server
            log.exception("lab DNS failed on a UDP message from %s", addr[0])
            return
        if out is not None and self.transport is not None:
            self.transport.sendto(out, addr)
