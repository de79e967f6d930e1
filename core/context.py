"""Everything core needs to reach the world, injected in one object.

The CLI/TUI builds a Context (real adapters, or the lab's); tests build one
with adapter-level doubles. Core code never constructs adapters itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.clock import Clock, SystemClock
from core.domains import DomainConnection
from core.paths import AppPaths
from core.ports import Credential, Directory, Dns, Engine, HostControl, SecretStore
from core.settings import Settings


@dataclass
class Context:
    paths: AppPaths
    secrets: SecretStore
    #: the domain's directory (bound with the cached domain credentials);
    #: ``directory(read_only=False)`` opens it for the plan's changes (SPN moves)
    directory: Callable[..., Directory]
    #: host control of a server by name (credentials from ``secrets``)
    host: Callable[[str], HostControl]
    #: engine management client of a server by name
    engine: Callable[[str], Engine]
    #: DNS adapter for a server address "ip" or "ip:port", with optional credentials
    dns: Callable[[str, Credential | None], Dns]
    #: address (IP) of a server by name: resolved through DNS, not /etc/hosts
    resolve: Callable[[str], str]
    domain: str = ""
    settings: Settings = field(default_factory=Settings)
    clock: Clock = field(default_factory=SystemClock)
    lab: bool = False
    #: how long one remote call may take before it counts as unreachable
    timeout: float = 5.0
    #: host control of a server by name with other credentials than its login
    #: (application monitoring's WMI account); None where no such account can be used
    host_as: Callable[[str, Credential], HostControl] | None = None
    #: what DNS says now, bypassing the addresses ``resolve`` remembers (listings such as
    #: discovery must not show an address DNS no longer gives); None: same as ``resolve``
    lookup: Callable[[str], str] | None = None
    #: the DNS name of a server's address (reverse lookup), None when it has none;
    #: a wiring that has it remembers the address for that name
    reverse: Callable[[str], str | None] | None = None
    #: the directory of a domain reached as the given settings and account say, whatever
    #: is cached (the domain login checks a credential with it before caching it)
    directory_as: Callable[[DomainConnection, Credential], Directory] | None = None

