"""The verbs a failover script may use and what each accepts.

The step implementations are tabled in :mod:`core.protection.step_table`; this module
only describes the language so a script can be checked before it runs (and
without importing anything that talks to a server).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class VerbSpec:
    usage: str
    help: str
    #: kinds of the positional arguments, in order
    args: tuple[str, ...] = ()
    #: kind of any further positional arguments (None = no more allowed)
    rest: str | None = None
    rest_min: int = 0
    options: dict[str, str] = field(default_factory=dict)


_EXCH_OPTS = {"sgs": "text", "replicate": "onoff", "wait": "int", "dc": "text"}

#: verbs of the application plans (Exchange, SQL, clusters, items to failover)
APP_VERBS: dict[str, VerbSpec] = {
    "add-name": VerbSpec(
        "add-name NAME", "Answer to the source's NAME on the target (alternate computer name).",
        ("text",)),
    "remove-name": VerbSpec(
        "remove-name NAME", "Stop answering to NAME on the target.", ("text",)),
    "move-spns": VerbSpec(
        "move-spns FROM TO [owner=NAME]",
        "Move the AD host SPNs naming OWNER (default FROM) from FROM's computer object to TO's.",
        ("text", "text"), options={"owner": "text"}),
    "exchange-failover": VerbSpec(
        "exchange-failover SOURCE TARGET [sgs=A|B] [replicate=on|off] [wait=MIN] [dc=NAME]",
        "Rehome the users of the storage groups and the public folders from SOURCE to TARGET "
        "in AD, forcing AD replication when replicate=on (waiting at most wait minutes).",
        ("text", "text"), options=_EXCH_OPTS),
    "exchange-failback": VerbSpec(
        "exchange-failback SOURCE TARGET [sgs=A|B] [replicate=on|off] [wait=MIN] [dc=NAME]",
        "Rehome the users and public folders from TARGET back to SOURCE in AD.",
        ("text", "text"), options=_EXCH_OPTS),
    "exchange-public-folders": VerbSpec(
        "exchange-public-folders SERVER [dc=NAME]",
        "Rehome the public folders hosted on SERVER to it again.", ("text",),
        options={"dc": "text"}),
    "sql-attach": VerbSpec(
        "sql-attach INSTANCE DATABASE FILE... [on=target|source]",
        "Attach DATABASE from its files to the target's INSTANCE (database-only modes; "
        "on=source after a restore). Already attached from those files: nothing to do.",
        ("text", "text"), rest="text", rest_min=1, options={"on": "side"}),
    "sql-detach": VerbSpec(
        "sql-detach INSTANCE DATABASE",
        "Detach DATABASE from the target's INSTANCE (not attached: nothing to do).",
        ("text", "text")),
    "create-resource": VerbSpec(
        "create-resource NAME [group=GROUP]",
        "Create the source's cluster resource NAME on the target cluster, as on the source.",
        ("text",), options={"group": "text"}),
    "delete-resource": VerbSpec(
        "delete-resource NAME", "Delete the cluster resource NAME from the target cluster.",
        ("text",)),
    "resource-online": VerbSpec(
        "resource-online NAME [on=target|source]", "Bring a cluster resource online.",
        ("text",), options={"on": "side"}),
    "resource-offline": VerbSpec(
        "resource-offline NAME [on=target|source]", "Take a cluster resource offline.",
        ("text",), options={"on": "side"}),
}

# Kinds: text, int, ip, ipmap (SOURCE_IP=TARGET_IP), side (source|target),
# mirror (full|checksum), method (heartbeat|icmp), trigger (all|any), level (0-9),
# onoff (on|off).
VERBS: dict[str, VerbSpec] = {
    "stop-replication": VerbSpec(
        "stop-replication SET",
        "Stop replicating SET: the source disconnects (if it answers) and the "
        "target stops accepting its data.",
        ("text",),
    ),
    "stop-monitor": VerbSpec(
        "stop-monitor SET", "Delete the failover monitor of SET on the target.", ("text",)
    ),
    "take-identity": VerbSpec(
        "take-identity SET",
        "Identity failover: the target's engine takes over the source's addresses, name "
        "and shares as configured (done already when it did so by itself).",
        ("text",),
    ),
    "give-back-identity": VerbSpec(
        "give-back-identity SET",
        "Identity failback: the target's engine gives back what it took over of the source.",
        ("text",),
    ),
    "start-service": VerbSpec(
        "start-service NAME [on=target|source]",
        "Start a Windows service (on the target unless on=source).",
        ("text",),
        options={"on": "side"},
    ),
    "stop-service": VerbSpec(
        "stop-service NAME [on=target|source]",
        "Stop a Windows service (on the target unless on=source).",
        ("text",),
        options={"on": "side"},
    ),
    "publish-share": VerbSpec(
        "publish-share NAME PATH [description=TEXT] [grants=ACCOUNT:RIGHT;...]",
        "Share PATH as NAME on the target (the source's share, same path and permissions).",
        ("text", "text"),
        options={"description": "text", "grants": "text"},
    ),
    "withdraw-share": VerbSpec(
        "withdraw-share NAME", "Remove the share NAME from the target.", ("text",)
    ),
    "dns-failover": VerbSpec(
        "dns-failover FQDN SOURCE_IP=TARGET_IP... [ttl=SECONDS] [target=FQDN]",
        "Point the source's A, PTR (and MX) records at the mapped target IPs.",
        ("text",),
        rest="ipmap",
        rest_min=1,
        options={"ttl": "int", "target": "text"},
    ),
    "dns-failback": VerbSpec(
        "dns-failback FQDN",
        "Put back the source's records exactly as they were before the DNS failover.",
        ("text",),
    ),
    "check-source": VerbSpec(
        "check-source", "Prove the source's host control and engine answer."
    ),
    "restore-mirror": VerbSpec(
        "restore-mirror SET [timeout=SECONDS]",
        "Copy the target's data of SET back to the source (reverse checksum "
        "mirror that also deletes files the target no longer has).",
        ("text",),
        options={"timeout": "int"},
    ),
    "reprotect": VerbSpec(
        "reprotect SET [route=IP] [port=N] [mirror=full|checksum] [compression=0-9]",
        "Connect SET from the source to the target again (new token) and mirror.",
        ("text",),
        options={"route": "ip", "port": "int", "mirror": "mirror", "compression": "level"},
    ),
    "create-monitor": VerbSpec(
        "create-monitor SET SOURCE_IP... [method=heartbeat|icmp] [interval=S] "
        "[missed=N] [trigger=all|any] [port=N]",
        "Create the failover monitor of SET on the target.",
        ("text",),
        rest="ip",
        rest_min=1,
        options={
            "method": "method",
            "interval": "int",
            "missed": "int",
            "trigger": "trigger",
            "port": "int",
        },
    ),
    "drain": VerbSpec(
        "drain SET [timeout=SECONDS] [force=on|off]",
        "Wait until the source's queue of SET is empty and the target acknowledged it "
        "(graceful failover); force=on carries on, saying what was left, at the bound.",
        ("text",),
        options={"timeout": "int", "force": "onoff"},
    ),
    "wait": VerbSpec("wait SECONDS", "Pause (e.g. to let a service settle).", ("int",)),
    **APP_VERBS,
}

_CHOICES = {
    "onoff": ("on", "off"),
    "side": ("target", "source"),
    "mirror": ("full", "checksum"),
    "method": ("heartbeat", "icmp"),
    "trigger": ("all", "any"),
}


def check_value(kind: str, value: str) -> None:
    """ValueError with a plain message when ``value`` is not of ``kind``."""
    if kind == "text":
        if value == "":
            raise ValueError("an empty value is not allowed")
    elif kind in ("int", "level"):
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        if kind == "level" and int(value) > 9:
            raise ValueError(f"compression {value} is not 0-9")
    elif kind == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address") from None
    elif kind == "ipmap":
        src, sep, tgt = value.partition("=")
        if not sep:
            raise ValueError(f"{value!r} is not SOURCE_IP=TARGET_IP")
        check_value("ip", src)
        check_value("ip", tgt)
    elif kind in _CHOICES:
        if value not in _CHOICES[kind]:
            raise ValueError(f"{value!r} is not one of {', '.join(_CHOICES[kind])}")
    else:  # pragma: no cover - a typo in VERBS
        raise AssertionError(kind)


def check_step(
    verb: str, args: tuple[str, ...], options: Mapping[str, str], verbs: Mapping[str, VerbSpec]
) -> None:
    """ValueError naming what is wrong with one step, checked against ``verbs``."""
    spec = verbs.get(verb)
    if spec is None:
        raise ValueError(f"unknown verb {verb!r} (known: {', '.join(sorted(verbs))})")
    need = len(spec.args) + spec.rest_min
    if len(args) < need:
        raise ValueError(f"{verb} needs more arguments: {spec.usage}")
    if spec.rest is None and len(args) > len(spec.args):
        raise ValueError(f"{verb} takes {len(spec.args)} argument(s): {spec.usage}")
    for i, value in enumerate(args):
        kind = spec.args[i] if i < len(spec.args) else spec.rest
        assert kind is not None
        try:
            check_value(kind, value)
        except ValueError as exc:
            raise ValueError(f"{verb} argument {i + 1}: {exc}") from None
    for key, value in options.items():
        if key not in spec.options:
            allowed = ", ".join(f"{k}=" for k in spec.options) or "none"
            raise ValueError(f"{verb} has no option {key}= (options: {allowed})")
        try:
            check_value(spec.options[key], value)
        except ValueError as exc:
            raise ValueError(f"{verb} {key}=: {exc}") from None
