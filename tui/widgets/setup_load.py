"""How the Setup pane fills (SPEC F-5.1, F-5.2): domain, discovery, domain login,
and the SharePoint front end's "Get Config" that finds the source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.containers import Vertical
from textual.widgets import Button, Input, Select, Static

from core.errors import AppmgrError, AuthFailed, InvalidInput
from tui.api_calls import ApiCaller, error_text

#: what the automatic discovery of F-5.2 asks the directory for
SQL_QUERY = "sql_servers"


class DomainRefused(Exception):
    """The cached credentials cannot read the directory; ``domain`` is the one to offer."""

    def __init__(self, err: AuthFailed, domain: str) -> None:
        super().__init__(str(err))
        self.err, self.domain = err, domain


def load_job(api: Any, app_id: str, auto: str, domain: str | None) -> tuple[Any, ...]:
    """Thread: the domain to show, the current list, the discovered servers (None when
    the application has no automatic discovery) and a note about the discovery."""
    try:
        return _load(api, app_id, auto, domain)
    except AuthFailed as err:
        # the admin host's own domain (no directory read for File server) to log in to
        raise DomainRefused(err, domain or api.setup.default_domain("fileprint")) from err


def _load(api: Any, app_id: str, auto: str, domain: str | None) -> tuple[Any, ...]:
    shown = domain if domain is not None else api.setup.default_domain(app_id)
    current = api.setup.server_list(app_id)
    if not auto:
        return shown, current, None, ""
    if auto == SQL_QUERY and api.nosqlsearch:
        return shown, current, [], ("Automatic SQL Server search skipped (--nosqlsearch): add "
                                    "servers with Find… or Manage SQL Servers (Q).")
    try:
        found = api.setup.discover(app_id)
    except AuthFailed:
        raise
    except AppmgrError as exc:
        return shown, current, [], f"Automatic discovery failed: {error_text(exc)}"
    return shown, current, found, ""


class SetupLoadMixin(ApiCaller, Vertical):
    """Base of :class:`tui.widgets.setup_pane.SetupPane`: reading the domain, the lists
    and the servers (a widget, so that its ``@on`` handlers are registered and what it
    uses is typed)."""

    # the Setup pane's parts the loading calls
    show_notes: Callable[..., None]
    set_servers: Callable[..., list[str]]
    apply_preset: Callable[[list[str]], None]

    app_id: str
    auto: str
    _domain: str
    _found: list[str]
    _source_note: tuple[str, str] | None  # (source, what Get Config found)

    def reload(self, domain: str | None = None) -> None:
        """Read the domain (unless given), the current list and the discovered servers."""
        api = self.api
        self.show_notes(f"Searching {domain or 'the domain'}…" if self.auto else "")
        self.call_api("setup_load", load_job, api, self.app_id, self.auto, domain,
                      tag=self.app_id)

    def api_setup_load(self, result: tuple[Any, ...], app_id: str) -> None:
        if app_id != self.app_id:
            return
        domain, current, found, note = result
        self._domain = domain
        self.query_one("#domain", Input).value = domain
        self._field_error("")
        self._found = [c.name.upper() for c in found or []]
        names = self.set_servers(current)
        if note:
            self.show_notes(note)
        elif found is not None:
            self.show_notes(f"{len(self._found)} servers found in {domain}." if found else
                            f"No server of {domain} runs this application: use Find….")
        elif not names:
            self.show_notes("No servers on the list yet: Find… searches the domain for them.")
        else:
            self.show_notes("")
        self.apply_preset(names)

    def api_failed_setup_load(self, err: BaseException, app_id: str) -> None:
        if app_id != self.app_id:
            return
        if not isinstance(err, DomainRefused):
            self.show_notes(error_text(err), "error")
            return
        from tui.screens.domain_login import DomainLoginScreen

        reason = error_text(err.err)

        def done(domain: str | None) -> None:
            if domain:
                self.reload()
            else:
                self.show_notes(f"Not logged in to the domain: {reason}", "error")

        self.app.push_screen(DomainLoginScreen(err.domain, reason), done)

    # --- domain (F-5.1) -------------------------------------------------------------
    @on(Input.Submitted, "#domain")
    @on(Input.Blurred, "#domain")
    def _domain_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        value = event.value.strip()
        if value and value != self._domain:
            self.call_api("set_domain", self.api.setup.set_domain, value)

    def api_set_domain(self, domain: str, _tag: Any) -> None:
        self._domain = domain
        self.query_one("#domain", Input).value = domain
        self._field_error("")
        self.reload(domain)

    def api_failed_set_domain(self, err: BaseException, _tag: Any) -> None:
        self._field_error(err.message if isinstance(err, InvalidInput) else error_text(err))

    def _field_error(self, text: str) -> None:
        err = self.query_one("#err-domain", Static)
        err.update(text)
        err.set_class(bool(text), "-shown")

    # --- SharePoint: front end → Get Config ---------------------------------------
    @on(Input.Submitted, "#front-end")
    @on(Button.Pressed, "#get-config")
    def _get_config(self) -> None:
        name = self.query_one("#front-end", Input).value.strip()
        if not name:
            self.show_notes("Type the name of a SharePoint front end, then Get Config.", "error")
            self.query_one("#front-end", Input).focus()
            return
        self.show_notes(f"Reading the farm configuration of {name.upper()}…")
        self.call_api("front_end_login", self.api.logins.needs_login, name, tag=name)

    def api_front_end_login(self, needed: bool, name: str) -> None:
        if not needed:
            self.call_api("get_config", self.api.apps.sharepoint_get_config, name)
            return
        from tui.screens.login import LoginScreen

        def done(server: Any) -> None:
            if server is None:
                self.show_notes(f"Not logged in to {name.upper()}.")
            else:
                self.call_api("get_config", self.api.apps.sharepoint_get_config, name)

        self.app.push_screen(LoginScreen(name.upper(), "front end"), done)

    def api_failed_front_end_login(self, err: BaseException, _name: str) -> None:
        self.show_notes(error_text(err), "error")

    def api_get_config(self, found: Any, _tag: Any) -> None:
        farm = found.farm
        instance = "" if found.instance.upper() == "MSSQLSERVER" else f"\\{found.instance}"
        if found.source not in self._found:
            self._found.append(found.source)
        self.set_servers()
        note = (f"{found.front_end}: {getattr(farm, 'version', 'SharePoint')} farm on "
                f"{found.source}{instance} — {found.source} is the source.")
        self._source_note = (found.source, note)
        self.query_one("#source", Select).value = found.source
        self.show_notes(note)

    def api_failed_get_config(self, err: BaseException, _tag: Any) -> None:
        self.show_notes(err.message if isinstance(err, InvalidInput) else error_text(err),
                        "error")
