"""The import rules of ARCHITECTURE (rules 1, 2 and the seam of issue 12) as data.

Each rule is a function ``(path, imported) -> reason | None`` over one import of
one file: ``path`` is the file relative to the repository (``core/x.py``) and
``imported`` the dotted name it imports (``from a.b import c`` gives ``a.b.c``,
so a rule can allow one name of a module and not the module). Every exception
is listed below with its reason; a new import that no entry covers fails
tests/core/test_import_rules.py until it goes through the façade or is listed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

UI = ("textual", "rich", "tui")

#: files that may import core.lab (the embedded estate), each with its reason
LAB_IMPORTERS: dict[str, str] = {
    "core/lab/": "the lab itself",
    "core/wiring.py": "the composition root of plain appmgr (none today; the place for it)",
    "tui/cli/session.py": "the CLI's --lab wiring: builds a lab Context (core.lab.context)",
    "tui/cli/lab_cmd.py": "`appmgr lab up/fail/...`: the lab's own commands",
    "tui/cli/console_cmd.py": "`appmgr console --lab` reads the running lab's estate",
}

#: what tui/ (the Textual console, not tui/cli) may import from core: the façade and
#: values, each with its reason (a prefix: a module, or one name of a module)
TUI_ALLOWED: dict[str, str] = {
    "core.console.api": "the façade itself: ConsoleApi, the type the app is built on",
    "core.errors": "typed errors the screens turn into sentences (rule 4)",
    "core.model": "value dataclasses (ProtectionConfig, Rule) the forms edit",
    "core.__version__": "the About screen shows the version",
    "core.visible": "makes untrusted text (names, messages) printable",
    "core.config.parsers.whole_or_none": "parses a number as the user types it",
    "core.config.parsers.TTL_MAX": "the DNS dialog's bound of the TTL field",
    "core.dns.names": "pure name helpers (fqdn, is_ip, ptr_name) for Advanced Find",
    "core.settings.Settings": "the Options screen edits the Settings value",
    "core.settings.set_option": "the Options screen checks a value as it is typed",
    "core.protection.status.missed_text": "formats a PairStatus's missed heartbeats",
    "core.protection.status.state_label": "formats a PairStatus's state in words",
    "core.protection.health.since_text": "formats a degraded state's age",
    "core.protection.health.size_text": "formats a queue's size in the Dashboard's rows",
    "core.protection.quarantine.human_bytes": "formats a RestoreDiff's size",
    "core.atomic.write_text": "the validation report export is written atomically (rule 7)",
    "core.paths.app_paths": "where the validation report export is written",
}

#: what the headless CLI (tui/cli: an entry point, the composition root of `appmgr`)
#: may import from core beyond TUI_ALLOWED, each with its reason
CLI_ALLOWED: dict[str, str] = {
    "core.console": "builds the Console façade (core.console.Console)",
    "core.wiring": "the real estate's Context",
    "core.context": "the Context type the wiring returns",
    "core.lab": "the --lab wiring and `appmgr lab` (files listed in LAB_IMPORTERS)",
    "core.paths": "where appmgr keeps its files (platformdirs)",
    "core.settings": "reads the settings before the console exists",
    "core.store": "`appmgr status` reads pair records without a Console (fast start)",
    "core.protection.status": "`appmgr status` reads and prints PairStatus",
    "core.protection.overview": "`appmgr status` without a pair reads every pair at once",
    "core.protection.poll_store": "`appmgr status --watch` parses each file once, until it changes",
    "core.protection.like_named": "routes a like-named cluster pair's store",
    "core.protection.watch": "`appmgr watch` runs the Watcher",
    "core.protection.watch_beat": "`appmgr watch` writes its heartbeat",
    "core.clock": "`appmgr watch` injects the system clock (rule 5)",
    "core.logs": "`appmgr watch` sets up logging without a Console",
    "core.apps.registry": "`appmgr discover` names the application",
    "core.discovery": "the default domain before the console exists",
    "core.domains": "the saved domain connection for the wiring",
    "core.credentials.backend": "the passphrase prompt of the keyring backend",
    "core.credentials.estate_tls": "`appmgr engine-cert` issues an engine certificate",
    "core.dns": "`appmgr dfo`: the DNS failover tool runs over the DNS adapter directly",
}

#: library -> the only paths that may import it (adapters), each with its reason
ADAPTER_ONLY: dict[str, dict[str, str]] = {
    "ldap3": {"core/directory/connect": "opens the LDAP connection",
              "core/directory/ldap_": "the Directory adapter over ldap3",
              "core/lab/directory": "the lab serves its directory through ldap3's mock"},
    "dns": {"core/dns/adapter": "the Dns adapter over dnspython",
            "core/dns/dnspython_key": "TSIG keys in dnspython's form",
            "core/dns/outcomes": "maps dnspython's answers and errors to typed errors",
            "core/dns/gss_tsig": "GSS-TSIG signing for AD-integrated zones",
            "core/dns/srv": "the DC locator's SRV lookup",
            "core/lab/dns_": "the lab's DNS server speaks the wire protocol"},
    "winrm": {"core/hosts/winrm_host": "the HostControl adapter over pywinrm",
              "core/hosts/winrm_shell": "pywinrm's shell for long scripts"},
    "requests": {"core/hosts/winrm_host": "pywinrm's transport errors"},
    "gssapi": {"core/dns/gss_tsig": "Kerberos for GSS-TSIG",
               "core/directory/connect": "Kerberos (SASL GSSAPI) binds"},
    "keyring": {"core/credentials/backend": "the SecretStore's keyring backend",
                "core/credentials/memory": "the in-memory keyring backend (tests, lab)",
                "core/credentials/store": "the SecretStore over keyring"},
    "keyrings": {"core/credentials/backend": "the encrypted file backend"},
    "watchdog": {"core/engine/fswatch": "the engine's change detection"},
}

Rule = Callable[[str, str], "str | None"]


def imported_names(source: str) -> list[str]:
    """Every name a module imports, anywhere in it (functions, TYPE_CHECKING too):
    ``import a.b`` gives ``a.b``; ``from a.b import c`` gives ``a.b.c``."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def core_never_imports_ui(path: str, name: str) -> str | None:
    if path.startswith("core/") and name.split(".")[0] in UI:
        return "core imports the UI (rule 1)"
    return None


def only_wiring_imports_the_lab(path: str, name: str) -> str | None:
    if _under(name, "core.lab") and not path.startswith(tuple(LAB_IMPORTERS)):
        return "only the lab and its wiring import core.lab"
    return None


def tui_goes_through_the_facade(path: str, name: str) -> str | None:
    if not path.startswith("tui/") or not _under(name, "core"):
        return None
    allowed = {**TUI_ALLOWED, **CLI_ALLOWED} if path.startswith("tui/cli/") else TUI_ALLOWED
    if any(_under(name, prefix) for prefix in allowed):
        return None
    return "the TUI reaches past the façade (ConsoleApi) into core"


def adapters_only_in_their_packages(path: str, name: str) -> str | None:
    places = ADAPTER_ONLY.get(name.split(".")[0])
    if places is not None and not path.startswith(tuple(places)):
        return "a protocol library outside its adapter (rule 2)"
    return None


RULES: tuple[Rule, ...] = (core_never_imports_ui, only_wiring_imports_the_lab,
                           tui_goes_through_the_facade, adapters_only_in_their_packages)


def violations(path: str, source: str) -> list[str]:
    """``path imports name: reason`` for every import of ``source`` a rule refuses."""
    out = []
    for name in imported_names(source):
        for rule in RULES:
            reason = rule(path, name)
            if reason:
                out.append(f"{path} imports {name}: {reason}")
    return out
