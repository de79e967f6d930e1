"""Application monitoring's WMI account (F-6.2, F-12): cached, tested, cleared.

The account runs the application checks against the source, the server
being monitored, so its credential is cached under kind ``"wmi"`` and the
source's name (the lab pre-fills the same scheme: every server's name, FQDN
and IP). The password goes only to the credential cache: never into the
configuration, a log line or an error message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.config.check_rules import cluster_of
from core.credentials.usernames import canonical_user, same_user
from core.errors import AuthFailed, InvalidInput, ProtocolError, Refused, StateError
from core.hosts.inventory import path_results
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.ports import Credential, HostControl

if TYPE_CHECKING:
    from core.console.configure import ConfigureService
    from core.console.session import Session

APP = "monitoring.application."
USER_FIELD = APP + "wmi_user"
PASSWORD_FIELD = APP + "wmi_password"
NO_CLUSTERS = "application monitoring is not available for clusters"


class WmiAccountService:
    """Application monitoring's WMI account: cached, tested, cleared."""

    def __init__(self, session: Session, configure: ConfigureService) -> None:
        self.s = session
        self.configure = configure

    def set_wmi_credentials(self, cfg: ProtectionConfig, user: str,
                            password: str) -> ProtectionConfig:
        """Cache the WMI account for the source and name it in the configuration
        (advanced only, never for clusters); the password is only cached."""
        _refuse_cluster_config(cfg)
        try:
            canonical = canonical_user(user, self.s.domain)
        except InvalidInput as exc:
            raise InvalidInput(USER_FIELD, exc.message) from None
        if not password:
            raise InvalidInput(PASSWORD_FIELD, "enter the WMI user's password")
        # first the field (advanced-only: refused outside --advanced), then the cache
        new = self.configure.apply(cfg, [f"{USER_FIELD}={canonical}"])
        self.s.ctx.secrets.put("wmi", cfg.source, Credential(canonical, password))
        log_action("wmi credentials", server=cfg.source, user=canonical)
        return new

    def wmi_test(self, cfg: ProtectionConfig) -> list[str]:
        """F-6.2 Test: log in to the source as the cached WMI account and run the
        WMI query the built-in checks use; for a custom script, check that the
        script is on the target (whose monitor runs it). Raises on the first failure."""
        _refuse_cluster_config(cfg)
        app = cfg.monitoring.application
        if app.method == "script" and not app.script_path:
            raise InvalidInput(APP + "script_path", "choose the custom script (.ps1 or .vbs)")
        cred = self._wmi_credential(cfg)
        if cluster_of(*self.s.pair_servers(cfg)) is not None:
            raise InvalidInput(APP + "enabled", NO_CLUSTERS)
        lines = self._wmi_services(cfg, cred)
        if app.method == "script":
            lines.append(self._wmi_script(cfg))
        log_action("wmi test", server=cfg.source, user=cred.user)
        return lines

    def clear_wmi_credentials(self, cfg: ProtectionConfig) -> int:
        """The dialog's "Clear cached credentials": forget the WMI account cached for
        this pair's source (under its name, FQDN and addresses); how many were removed."""
        keys = [cfg.source]
        inv = self.s.cached_inventory(cfg.source)
        if inv is not None:
            keys += [inv.fqdn, *inv.ips]
        removed = 0
        for key in dict.fromkeys(k for k in keys if k):
            if self.s.ctx.secrets.get("wmi", key) is not None:
                self.s.ctx.secrets.delete("wmi", key)
                removed += 1
        log_action("clear wmi credentials", server=cfg.source, removed=removed)
        return removed

    # --- internals ------------------------------------------------------------------
    def _wmi_credential(self, cfg: ProtectionConfig) -> Credential:
        """The cached account, which must be the one the configuration names."""
        user = cfg.monitoring.application.wmi_user
        cred = self.s.ctx.secrets.get("wmi", cfg.source)
        if cred is None:
            if not user:
                raise InvalidInput(USER_FIELD, "enter the user that runs the WMI scripts")
            raise InvalidInput(PASSWORD_FIELD, f"no WMI password is cached for {cfg.source}: "
                                               f"enter the password of {user}")
        if user and not _same(user, cred.user, self.s.domain):
            raise InvalidInput(PASSWORD_FIELD, f"the cached WMI password is {cred.user}'s, "
                                               f"not {user}'s: enter the password of {user}")
        return cred

    def _wmi_host(self, name: str, cred: Credential) -> HostControl:
        if self.s.ctx.host_as is None:
            raise StateError("this console cannot log in to a server with a second account")
        return self.s.ctx.host_as(name, cred)

    def _wmi_services(self, cfg: ProtectionConfig, cred: Credential) -> list[str]:
        src = cfg.source
        try:
            doc = self._wmi_host(src, cred).run_op("wmi_check", {})
        except AuthFailed:
            # F-12: a rejected cached password is dropped so that it is asked again
            self.s.ctx.secrets.delete("wmi", src)
            # WinRM answers 401 alike for a wrong password and for an account that may
            # not use WinRM at all (only Administrators and WinRMRemoteWMIUsers__ may)
            raise AuthFailed(f"{src} refused the WMI login as {cred.user}: a wrong password, "
                             "or an account that may not log in over WinRM (make it a member "
                             f"of Administrators or WinRMRemoteWMIUsers__ on {src}). The "
                             "cached WMI password was dropped; type it again") from None
        except Refused as exc:
            raise Refused(f"{exc} — {cred.user} may log in to {src} but not query WMI: give it "
                          "full WMI access to root\\cimv2 (on Windows 2008 also DCOM and "
                          "UAC remote access)") from None
        states = _service_states(src, doc)
        wanted = [s.name for s in cfg.failover.services]
        found = [f"{states[n.upper()][0]} {states[n.upper()][1]}".rstrip()
                 for n in wanted if n.upper() in states]
        missing = [n for n in wanted if n.upper() not in states]
        head = f"{src}: WMI login as {cred.user} works"
        if not wanted:
            return [f"{head}; it lists {len(states)} services (no application services are "
                    "configured to check)"]
        lines = [f"{head}; {_count(len(found), 'service')} answered"
                 + (f" ({', '.join(found)})" if found else "")]
        if missing:
            lines.append(f"{src}: WMI does not list {', '.join(missing)}: the built-in checks "
                         "would report an error for it")
        return lines

    def _wmi_script(self, cfg: ProtectionConfig) -> str:
        path, tgt = cfg.monitoring.application.script_path, cfg.target
        exists = path_results(self.s.ctx.host(tgt).run_op("path_exists", {"paths": [path]}))
        if not exists.get(path, False):
            raise InvalidInput(APP + "script_path", f"{path} does not exist on {tgt}, whose "
                                                    "monitor runs the script: copy it there "
                                                    "or correct the path")
        return f"{tgt}: the custom script {path} is there (the target's monitor runs it)"


def _refuse_cluster_config(cfg: ProtectionConfig) -> None:
    if cfg.cluster.like_named or cfg.failover.resources:
        raise InvalidInput(APP + "enabled", NO_CLUSTERS)


def _same(a: str, b: str, domain: str) -> bool:
    try:
        return same_user(a, b, domain)
    except InvalidInput:
        return False


def _service_states(server: str, doc: Any) -> dict[str, tuple[str, str]]:
    """``{"services": [{"name", "state"}]}`` -> {NAME: (name, state)}."""
    rows = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise ProtocolError(f"{server} did not answer the WMI query with a list of services")
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            out[row["name"].upper()] = (row["name"], str(row.get("state") or ""))
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
