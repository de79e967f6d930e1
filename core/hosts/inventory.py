"""The JSON the host operations print, turned into model objects.

The shapes (written by ``scripts/*.ps1`` on Windows and by the lab endpoint):

inventory::

    {"hostname": "FS01", "domain": "lab.example.com", "domain_role": 3, "gc": false,
     "os": {"caption": "Microsoft Windows Server 2008 Enterprise ", "version": "6.0.6002"},
     "nics": [{"name": "Local Area Connection", "ips": ["10.0.0.11"], "prefix": 24}],
     "volumes": [{"letter": "C", "label": "", "size": 1, "free": 1}],
     "services": [{"name": "Spooler", "display": "Print Spooler", "state": "Running",
                   "start_mode": "Auto"}],
     "shares": [{"name": "Data", "path": "E:\\\\Shares\\\\Data", "description": "",
                 "admin": false}],
     "dns_servers": ["10.0.0.1"], "admins": ["LAB\\\\Administrator"],
     "engine": {"installed": true, "running": false, "version": "0.1.0", "port": 6320}}

engine_status: the ``engine`` object above. Older PowerShell versions unroll
one-element arrays and write ``null`` for empty ones, so every list here also
accepts a single object or null.
"""

from __future__ import annotations

import re
from typing import Any

from core.errors import ProtocolError
from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume

_TRADEMARKS = re.compile(r"\(R\)|\(TM\)|[®™]", re.IGNORECASE)
_VENDOR = re.compile(r"^Microsoft\s+", re.IGNORECASE)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _dicts(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = _list(doc.get(key))
    if not all(isinstance(i, dict) for i in items):
        raise ProtocolError(f"the inventory's {key!r} entries are not objects")
    return items


def os_name(caption: str) -> str:
    """``Microsoft® Windows Server® 2008 Enterprise `` -> ``Windows Server 2008 Enterprise``."""
    return _VENDOR.sub("", " ".join(_TRADEMARKS.sub(" ", caption).split()))


def service_state(state: str) -> str:
    """Win32_Service / ServiceController states in the model's words (running, stopped…)."""
    return "_".join(state.lower().split()) or "unknown"


def engine_from_json(doc: Any) -> EngineInfo:
    """EngineInfo from the ``engine_status`` output (or the inventory's ``engine``)."""
    if not isinstance(doc, dict):
        raise ProtocolError("the engine status is not a JSON object")
    installed = bool(doc.get("installed"))
    return EngineInfo(installed=installed, running=installed and bool(doc.get("running")),
                      version=_str(doc.get("version")), port=_int(doc.get("port"), 6320) or 6320)


def roles(doc: dict[str, Any], services: tuple[Service, ...]) -> tuple[str, ...]:
    """Roles the inventory proves: dc (DomainRole 4/5), gc, dns, fileprint."""
    names = {s.name.lower() for s in services}
    out: list[str] = []
    is_dc = _int(doc.get("domain_role")) >= 4
    if is_dc:
        out.append("dc")
    if "dns" in names:
        out.append("dns")
    if is_dc and doc.get("gc"):
        out.append("gc")
    if "lanmanserver" in names and not is_dc:
        out.append("fileprint")
    return tuple(out)


def server_from_inventory(doc: Any) -> Server:
    """A :class:`Server` from the ``inventory`` output; ProtocolError when malformed."""
    if not isinstance(doc, dict) or not _str(doc.get("hostname")).strip():
        raise ProtocolError("the inventory is not a JSON object naming the host")
    name = _str(doc["hostname"]).strip().upper()
    domain = _str(doc.get("domain")).strip().lower()
    # a workgroup server reports its workgroup as "domain": no dot, no FQDN
    fqdn = f"{name.lower()}.{domain}" if "." in domain else name.lower()
    raw_os = doc.get("os")
    os_doc: dict[str, Any] = raw_os if isinstance(raw_os, dict) else {}
    nics = tuple(Nic(_str(n.get("name")), tuple(_str(i) for i in _list(n.get("ips"))),
                     _int(n.get("prefix"), 24)) for n in _dicts(doc, "nics"))
    volumes = tuple(Volume(_str(v.get("letter")).rstrip(":").upper(), _str(v.get("label")),
                           _int(v.get("size")), _int(v.get("free")))
                    for v in _dicts(doc, "volumes") if _str(v.get("letter")))
    services = tuple(Service(_str(s.get("name")), _str(s.get("display")),
                             service_state(_str(s.get("state"))),
                             _str(s.get("start_mode")).lower() or "manual")
                     for s in _dicts(doc, "services"))
    shares = tuple(Share(_str(s.get("name")), _str(s.get("path")), bool(s.get("admin")),
                         _str(s.get("description")),
                         tuple(_str(g) for g in _list(s.get("grants")) if _str(g)))
                   for s in _dicts(doc, "shares"))
    engine = engine_from_json(doc["engine"]) if isinstance(doc.get("engine"), dict) else None
    return Server(
        name=name,
        fqdn=fqdn,
        ips=tuple(ip for n in nics for ip in n.ips),
        os_name=os_name(_str(os_doc.get("caption"))),
        os_version=_str(os_doc.get("version")),
        nics=nics,
        volumes=volumes,
        services=services,
        shares=shares,
        roles=roles(doc, services),
        engine=engine,
        domain=domain if "." in domain else "",
        dns_servers=tuple(_str(d) for d in _list(doc.get("dns_servers"))),
        admin_group_members=tuple(_str(a) for a in _list(doc.get("admins"))),
    )


def path_results(doc: Any) -> dict[str, bool]:
    """``{"results": [{"path", "exists"}]}`` -> {path: exists}."""
    if not isinstance(doc, dict):
        raise ProtocolError("the path check did not return a JSON object")
    out: dict[str, bool] = {}
    for r in _list(doc.get("results")):
        if not isinstance(r, dict) or "path" not in r:
            raise ProtocolError("the path check returned an entry without a path")
        out[_str(r["path"])] = bool(r.get("exists"))
    return out
