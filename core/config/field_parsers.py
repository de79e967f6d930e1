"""How each kind of configuration field is parsed from text and written back.

A ``Parse`` takes (text, key, current config) and returns the value or
raises :class:`InvalidInput` naming ``key``; the matching ``fmt`` writes the
value in the syntax ``Parse`` reads, so ``key=fmt(value)`` round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.config import parsers as p
from core.config.text_parsers import NAME_MAX
from core.errors import InvalidInput
from core.model.config import DnsServerEntry, ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.visible import quoted

Parse = Callable[[str, str, ProtectionConfig], Any]  # (text, key, current config) -> value


def on(v: bool) -> str:
    return "on" if v else "off"


def simple(fn: Callable[[str, str], Any]) -> Parse:
    return lambda text, key, _cfg: fn(text, key)


def enum(**choices: str) -> Parse:
    return lambda text, key, _cfg: p.parse_enum(text, key, choices)


def text_value(max_len: int = 256) -> Parse:
    return lambda text, key, _cfg: p.plain_text(text, key, max_len)


def optional(fn: Callable[[str, str], Any]) -> Parse:
    return lambda text, key, _cfg: fn(text, key) if text.strip() else ""


def whole(lo: int, hi: int, unit: str = "") -> Parse:
    return lambda text, key, _cfg: p.parse_int(text, key, lo, hi, unit)


def compression(text: str, key: str) -> int:
    word = text.strip().lower()
    named = {"off": 0, "none": 0, "min": 1, "minimum": 1, "max": 9, "maximum": 9}
    if word in named:
        return named[word]
    return p.parse_int(text, key, 0, 9)


def set_name(text: str, key: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value, re.ASCII):
        raise InvalidInput(key, f"{quoted(text)}: use 1 to 64 letters, digits, '_', '.' or '-'")
    if value.strip(".") == "":  # "." and ".." name folders, never a set
        raise InvalidInput(key, f"{quoted(text)}: a set name needs a letter, digit, '_' or '-'")
    return value


def paths(text: str, key: str) -> list[str]:
    # paths may hold commas, so a comma only separates when a drive letter follows
    parts = re.split(r";|,(?=\s*[A-Za-z]:)", text)
    out: list[str] = []
    for part in (x for x in parts if x.strip()):
        path = p.parse_windows_path(part, key)
        if path.upper() not in {o.upper() for o in out}:
            out.append(path)
    return out


def servers(text: str, key: str, _cfg: ProtectionConfig) -> list[DnsServerEntry]:
    """``IP[:PORT][/ROLE]`` items, comma-separated."""
    out: list[DnsServerEntry] = []
    for part in (x.strip() for x in text.split(",") if x.strip()):
        addr, _, role = part.partition("/")
        ip, _, port = addr.partition(":")
        entry = DnsServerEntry(
            p.parse_ipv4(ip, key),
            p.parse_port(port, key) if port else 53,
            p.parse_enum(role, key, {"source": "source", "target": "target", "both": "both",
                                     "added": "added"}) if role else "added")
        if entry.ip in {e.ip for e in out}:
            raise InvalidInput(key, f"DNS server {entry.ip} is listed twice")
        out.append(entry)
    return out


def fmt_servers(v: list[DnsServerEntry]) -> str:
    return ",".join(f"{e.ip}:{e.port}/{e.role}" for e in v)


def services(text: str, key: str, cfg: ProtectionConfig) -> list[ServiceItem]:
    """``Name[/stop|/run]``; known services keep their flags, new ones are user-added.

    A service the application requires (any not added by the user; for SQL,
    the instance's engine service) cannot be left out (F-6.1).
    """
    from core.apps.registry import get_app
    from core.apps.sqlcommon import is_engine_service

    known = {s.name.upper(): s for s in cfg.failover.services}
    out: list[ServiceItem] = []
    for item in p.parse_name_list(text, key):
        name, _, flag = item.partition("/")
        name = name.strip()
        if not name or flag.strip().lower() not in {"", "stop", "run"}:
            raise InvalidInput(key, f"{quoted(item)}: write NAME, NAME/stop or NAME/run")
        old = known.get(name.upper(), ServiceItem(name, user_added=True))
        stop = old.must_stop_on_target if not flag else flag.strip().lower() == "stop"
        out.append(ServiceItem(old.name, old.user_added, stop))
    kept = {s.name.upper() for s in out}
    app = get_app(cfg.app)
    for old in cfg.failover.services:
        if old.name.upper() not in kept and not app.removable_service(old):
            why = ("it is the SQL Server engine service of its instance"
                   if is_engine_service(old.name) else "only services you added can be removed")
            raise InvalidInput(key, f"{old.name} cannot be removed: {why}")
    return out


def fmt_services(v: list[ServiceItem]) -> str:
    return ",".join(f"{s.name}/{'stop' if s.must_stop_on_target else 'run'}" for s in v)


RULE_KINDS = {"include": (True, True), "exclude": (False, True),
              "include-flat": (True, False), "exclude-flat": (False, False)}


def rules(text: str, key: str, _cfg: ProtectionConfig) -> list[Rule]:
    """``KIND:PATH`` items separated by ``;`` (KIND include, exclude, include-flat, exclude-flat);
    an include may name where it lands on the target: ``KIND:PATH>TARGET``."""
    out: list[Rule] = []
    for part in (x.strip() for x in text.split(";") if x.strip()):
        kind, sep, path = part.partition(":")
        if not sep or kind.strip().lower() not in RULE_KINDS:
            raise InvalidInput(key, f"{quoted(part)}: write include:PATH, exclude:PATH, "
                                    "include-flat:PATH or exclude-flat:PATH")
        include, recursive = RULE_KINDS[kind.strip().lower()]
        path, arrow, target = path.partition(">")
        if arrow and not include:
            raise InvalidInput(key, f"{quoted(part)}: only an include rule lands on another target path")
        out.append(Rule(p.parse_windows_path(path, key), include, recursive,
                        p.parse_windows_path(target, key) if arrow else ""))
    _refuse_overlapping_targets(out, key)
    return out


def _parts(win_path: str) -> tuple[str, ...]:
    return tuple(x.lower() for x in win_path.rstrip("\\").split("\\"))


def _refuse_overlapping_targets(rules_: list[Rule], key: str) -> None:
    """Where two include rules land must not coincide or nest: the target could not tell
    whose files it holds (restore would send them to the wrong source path)."""
    lands = [(r.target or r.path, r) for r in rules_ if r.include]
    for i, (a, ra) in enumerate(lands):
        for b, rb in lands[i + 1:]:
            if not (ra.target or rb.target):
                continue  # unmapped rules land where they are on the source: nothing new
            pa, pb = _parts(a), _parts(b)
            short, long_ = sorted((pa, pb), key=len)
            if long_[:len(short)] == short:
                raise InvalidInput(key, f"{ra.path} and {rb.path} would land in the same place "
                                        f"on the target ({a} and {b}): give each its own "
                                        "target folder")


def fmt_rules(v: list[Rule]) -> str:
    kinds = {flags: kind for kind, flags in RULE_KINDS.items()}
    return ";".join(f"{kinds[(r.include, r.recursive)]}:{r.path}"
                    + (f">{r.target}" if r.target else "") for r in v)


def user(text: str, key: str) -> str:
    return p.parse_user_name(text, key) if text.strip() else ""


def dc_name(text: str, key: str) -> str:
    """A domain controller's name (NetBIOS or DNS), never an IP address; empty = Windows picks."""
    raw = text.strip()
    if not raw:
        return ""
    if re.fullmatch(r"[\d.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*", raw):
        raise InvalidInput(key, f"{quoted(raw)} is an IP address: enter the domain controller's name "
                                "(like DC01 or dc01.lab.example.com)")
    return p.parse_hostname(raw, key)


def db_keys(text: str, key: str, cfg: ProtectionConfig) -> list[str]:
    """``INSTANCE/name`` items, comma-separated; system databases are refused in the
    database-only modes (instance mode adds its required ones itself)."""
    from core.apps.sqlcommon import DB_MODES, db_key, is_system

    out: list[str] = []
    for item in p.parse_name_list(text, key):
        inst, sep, name = item.partition("/")
        if not sep or not inst.strip() or not name.strip():
            raise InvalidInput(key, f"{quoted(item)}: write INSTANCE/name, like MSSQLSERVER/sales")
        if cfg.connection.sql_mode in DB_MODES and is_system(name.strip()):
            raise InvalidInput(key, f"{name.strip()} is a system database: the database-only "
                                    "modes protect user databases")
        out.append(db_key(inst.strip(), name.strip()))
    return out


def target_paths(text: str, key: str, _cfg: ProtectionConfig) -> dict[str, str]:
    """``INSTANCE/name=PATH`` items separated by ``;``."""
    from core.apps.sqlcommon import db_key

    out: dict[str, str] = {}
    for part in (x.strip() for x in text.split(";") if x.strip()):
        db, sep, path = part.partition("=")
        inst, slash, name = db.partition("/")
        if not sep or not slash or not inst.strip() or not name.strip():
            raise InvalidInput(key, f"{quoted(part)}: write INSTANCE/name=PATH, like "
                                    "MSSQLSERVER/sales=F:\\SQL\\sales")
        p.plain_text(db, key, NAME_MAX)
        k = db_key(inst.strip(), name.strip())
        if k.upper() in {o.upper() for o in out}:
            raise InvalidInput(key, f"{k} is mapped twice")
        out[k] = p.parse_windows_path(path, key)
    return out


def fmt_target_paths(v: dict[str, str]) -> str:
    return ";".join(f"{k}={path}" for k, path in v.items())


def script_path(text: str, key: str) -> str:
    """A custom monitoring script: a Windows path ending in .ps1 or .vbs (empty: none)."""
    if not text.strip():
        return ""
    path = p.parse_windows_path(text, key)
    if not path.lower().endswith((".ps1", ".vbs", ".vb")):
        raise InvalidInput(key, f"{quoted(text)} is not a PowerShell (.ps1) or VBScript (.vbs) script")
    return path


def subnet_mask(text: str, key: str) -> str:
    """A dotted subnet mask (contiguous ones) or a prefix length like ``/24``; empty allowed."""
    raw = text.strip().lstrip("/")
    if not raw:
        return ""
    if raw.isascii() and raw.isdigit():
        bits = p.parse_int(raw, key, 1, 32)
    else:
        value = int.from_bytes(bytes(int(x) for x in p.parse_ipv4(raw, key).split(".")), "big")
        bits = bin(value).count("1")
        if value != (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF or bits == 0:
            raise InvalidInput(key, f"{quoted(text)} is not a subnet mask (like 255.255.255.0)")
    mask = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
    return ".".join(str((mask >> s) & 0xFF) for s in (24, 16, 8, 0))


def drive_letters(text: str, key: str) -> list[str]:
    """Drive letters like ``E,S`` or ``E:,S:\\``, upper case, duplicates dropped."""
    out: list[str] = []
    for part in p.parse_name_list(text, key):
        letter = part.rstrip("\\").rstrip(":").upper()
        if not re.fullmatch(r"[A-Z]", letter):
            raise InvalidInput(key, f"{quoted(part)} is not a drive letter (like E or E:)")
        if letter not in out:
            out.append(letter)
    return out
