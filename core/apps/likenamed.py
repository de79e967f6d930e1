"""Like-named clusters (SPEC F-5.6, F-10; Exchange 2003 only).

Selecting an Exchange 2003 virtual server as its own target means "the same
EVS on a standby cluster": the target list offers ``EVS1 (like-named)``.
The pair's target is then ``EVS1_LN`` — the temporary name resource that
Enable Protection creates on the target cluster and the connection uses.
The setup dialog asks for a node of the target cluster, the network (NIC)
that gets a new IP address, that address and its subnet mask, and the
storage resources: every drive letter holding the EVS's data that the
target node also has is preselected and locked.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from core.apps.common import virtual_server
from core.errors import InvalidInput
from core.hosts.ops import CLUSTER_WAIT
from core.model.config import ClusterSection
from core.model.server import Server

SUFFIX = " (like-named)"
TEMP_SUFFIX = "_LN"


def label(name: str) -> str:
    """``EVS1`` -> ``EVS1 (like-named)`` (how the target list shows it)."""
    return f"{name.upper()}{SUFFIX}"


def parse_target(text: str) -> tuple[str, bool]:
    """``EVS1 (like-named)`` or ``EVS1_LN`` -> (``EVS1_LN``, True); other names as typed."""
    raw = text.strip()
    if raw.lower().endswith(SUFFIX.strip().lower()):
        return raw[: -len(SUFFIX.strip())].strip().upper() + TEMP_SUFFIX, True
    if raw.upper().endswith(TEMP_SUFFIX):
        return raw.upper(), True
    return raw, False


def source_of(target: str) -> str:
    """``EVS1_LN`` -> ``EVS1``."""
    return target.upper().removesuffix(TEMP_SUFFIX)


def offers_like_named(source: Server) -> bool:
    """An Exchange 2003 virtual server may be protected by a like-named cluster."""
    exch = source.apps.exchange
    return (virtual_server(source) is not None and exch is not None
            and exch.version.startswith("2003"))


@dataclass
class LikeNamedChoices:
    """What the setup dialog shows: the defaults and what may be picked."""

    setup: ClusterSection
    networks: list[str] = field(default_factory=list)
    drives: list[str] = field(default_factory=list)  # the target node's drive letters
    locked: list[str] = field(default_factory=list)  # on both sides: cannot be deselected


def source_drives(source: Server) -> list[str]:
    vs = virtual_server(source)
    return [d.rstrip(":\\").upper() for d in vs.drives] if vs else []


def choices(source: Server, node: Server) -> LikeNamedChoices:
    """Defaults of the setup dialog once the user connected to ``node``."""
    nic = node.nics[0] if node.nics else None
    mask = str(ipaddress.IPv4Network(f"0.0.0.0/{nic.subnet_prefix}").netmask) if nic else ""
    have = sorted(node.volume_letters)
    locked = [d for d in source_drives(source) if d in have]
    setup = ClusterSection(True, node.name.upper(), nic.name if nic else "", "", mask, locked)
    return LikeNamedChoices(setup, [n.name for n in node.nics], have, locked)


def problems(section: ClusterSection, source: Server, node: Server) -> list[InvalidInput]:
    """Everything wrong with a like-named setup against the source EVS and the target node."""
    out: list[InvalidInput] = []
    if not offers_like_named(source):
        out.append(InvalidInput("cluster.like_named", f"{source.name} is not an Exchange 2003 "
                                "virtual server: like-named clusters are for Exchange 2003 only"))
    cluster = node.apps.cluster
    if not section.target_node:
        out.append(InvalidInput("cluster.target_node", "enter a node of the target cluster"))
    elif cluster is None or section.target_node.upper() not in {n.upper() for n in cluster.nodes}:
        out.append(InvalidInput("cluster.target_node",
                                f"{section.target_node} is not a node of a cluster"))
    elif source.apps.cluster is not None and source.apps.cluster.name.upper() == \
            cluster.name.upper():
        out.append(InvalidInput("cluster.target_node", f"{section.target_node} is a node of "
                                f"{cluster.name}, {source.name}'s own cluster: choose a node "
                                "of the standby cluster"))
    nics = {n.name: n for n in node.nics}
    nic = nics.get(section.network)
    if nic is None:
        out.append(InvalidInput("cluster.network", f"{node.name} has no network named "
                                                   f"{section.network!r}"))
    if not section.ip:
        out.append(InvalidInput("cluster.ip", "enter the IP address to create"))
    elif section.ip in ({ip for n in node.nics for ip in n.ips} | set(node.ips)) - {
            _own_ip(source, node)}:
        out.append(InvalidInput("cluster.ip", f"{section.ip} is already used by {node.name}"))
    if not section.subnet_mask:
        out.append(InvalidInput("cluster.subnet_mask", "enter the subnet mask"))
    elif nic is not None and section.ip and nic.ips:
        net = ipaddress.IPv4Network(f"{nic.ips[0]}/{section.subnet_mask}", strict=False)
        if ipaddress.IPv4Address(section.ip) not in net:
            out.append(InvalidInput("cluster.ip", f"{section.ip} is not on the network of "
                                                  f"{section.network} ({net})"))
    have = node.volume_letters
    chosen = {d.upper() for d in section.storage}
    for d in source_drives(source):
        if d in have and d not in chosen:
            out.append(InvalidInput("cluster.storage", f"{d}: holds the virtual server's data "
                                                       "on both clusters and cannot be left out"))
    for d in sorted(chosen - have):
        out.append(InvalidInput("cluster.storage", f"{node.name} has no {d}: disk resource"))
    out += _group_problems(source, node)
    return out


def source_group(source: Server) -> str:
    """The source EVS's cluster group: the target cluster needs a group of that name."""
    vs = virtual_server(source)
    return vs.group if vs else ""


def _group_problems(source: Server, node: Server) -> list[InvalidInput]:
    """The guide's prerequisite: the target cluster has a group named like the source's
    (holding its disks). Only when the node reported its cluster's groups."""
    cluster, group = node.apps.cluster, source_group(source)
    if cluster is None or not cluster.groups or not group:
        return []
    if any(g.name.lower() == group.lower() for g in cluster.groups):
        return []
    return [InvalidInput("cluster.target_node", f"{cluster.name} has no group named "
                                                f"{group!r}: create it with the disks of "
                                                f"{source.name} before protecting")]


def _own_ip(source: Server, node: Server) -> str:
    """The address of this pair's own IP address resource, once Enable Protection made it
    (re-validating a protected pair must not find its own address "already used")."""
    cluster = node.apps.cluster
    mine = temp_name(source.name)
    vs = next((v for v in cluster.virtual_servers if v.name.upper() == mine), None) \
        if cluster else None
    return vs.ip if vs else ""


# --- the stand-in's resources on the target cluster (F-10) -------------------------
#: where the two script resources' scripts are on every node of the target cluster
SCRIPT_DIR = "C:\\Program Files\\appmgr\\cluster"


@dataclass(frozen=True)
class ResourceSpec:
    """One cluster resource Enable Protection creates (``cluster_resource`` create)."""

    name: str
    type: str
    private: dict[str, str]
    depends: tuple[str, ...] = ()
    online: bool = False

    def params(self, group: str) -> dict[str, object]:
        return {"action": "create", "name": self.name, "group": group, "type": self.type,
                "private": dict(self.private), "depends": list(self.depends),
                "online": self.online, "wait": CLUSTER_WAIT}


def temp_name(source: str) -> str:
    """``EVS1`` -> ``EVS1_LN``: the temporary name resource and the pair's target."""
    return f"{source_of(source)}{TEMP_SUFFIX}"


def stand_in_resources(source: str, section: ClusterSection) -> list[ResourceSpec]:
    """The four resources created on the target cluster at Enable Protection, in creation
    order: the IP address and the temporary name ``SOURCE_LN`` (online: the connection
    between the clusters uses them), then the two generic script resources that run the
    pair's post-failover and pre-failback scripts on the node owning the group (offline
    until a failover brings them online)."""
    ln = temp_name(source)
    ip = f"{ln} IP Address"
    scripts = [(f"{ln} post-failover script", "post_failover_LN.vbs"),
               (f"{ln} pre-failback script", "pre_failback_LN.vbs")]
    return [
        ResourceSpec(ip, "IP Address", {"Address": section.ip, "SubnetMask": section.subnet_mask,
                                        "Network": section.network}, (), True),
        ResourceSpec(ln, "Network Name", {"Name": ln}, (ip,), True),
        *(ResourceSpec(name, "Generic Script", {"ScriptFilepath": f"{SCRIPT_DIR}\\{ln}\\{f}"},
                       (ln,)) for name, f in scripts),
    ]


def script_files(source: str) -> list[tuple[str, str]]:
    """(path, text) of the Generic Script files the stand-in's two script resources run,
    written on every node of the target cluster at Enable Protection (before the resources
    that point to them are created)."""
    ln = temp_name(source)
    out = []
    for spec in stand_in_resources(source, ClusterSection()):
        if spec.type != "Generic Script":
            continue
        path = spec.private["ScriptFilepath"]
        phase = "post-failover" if "post_failover" in path else "pre-failback"
        out.append((path, _VBS.format(ln=ln, phase=phase,
                                      cmd=path.rsplit("\\", 1)[0] + f"\\{phase}.cmd")))
    return out


#: a Generic Script resource's entry points (Windows cluster service, VBScript): Online
#: runs the pair's phase script when one is there; the rest answer "fine"
_VBS = """' appmgr: {ln} {phase} script resource (like-named cluster, written at Enable).
' Online runs {cmd} when it exists; the other entry points report success.
Function Open()
  Open = 0
End Function
Function Online()
  Dim fso, sh
  Set fso = CreateObject("Scripting.FileSystemObject")
  Online = 0
  If fso.FileExists("{cmd}") Then
    Set sh = CreateObject("WScript.Shell")
    Online = sh.Run("cmd.exe /c " & Chr(34) & "{cmd}" & Chr(34), 0, True)
  End If
  Resource.LogInformation "appmgr {phase}: Online returned " & Online
End Function
Function Offline()
  Offline = 0
End Function
Function LooksAlive()
  LooksAlive = True
End Function
Function IsAlive()
  IsAlive = True
End Function
Function Close()
  Close = 0
End Function
Function Terminate()
  Terminate = 0
End Function
"""
