"""The five applications of SPEC F-1, in task-list order, each its own module.

Discovery (F-5.2) is each module's ``discover``: Exchange asks the
directory for the Exchange server objects of the configuration NC, SQL and
SharePoint (its back ends) for the computers with MSSQLSvc SPNs, File
server and BlackBerry list every server (Advanced Find); cluster nodes are
hidden and virtual servers listed. A Directory without a query falls back
to ``servers()``.
"""

from __future__ import annotations

import difflib

from core.apps.base import Application
from core.apps.blackberry import BlackBerryApp
from core.apps.exchange import ExchangeApp
from core.apps.fileserver import FileServerApp
from core.apps.sharepoint import SharePointApp
from core.apps.sql import SqlApp
from core.errors import InvalidInput

_APPS: tuple[Application, ...] = (
    ExchangeApp(), SqlApp(), FileServerApp(), SharePointApp(), BlackBerryApp())
_BY_ID = {a.id: a for a in _APPS}
#: launch flags and common spellings (SPEC F-2 uses --fileprint)
_ALIASES = {"file": "fileprint", "fileserver": "fileprint", "fs": "fileprint",
            "mssql": "sql", "sqlserver": "sql", "bes": "blackberry", "moss": "sharepoint",
            "wss": "sharepoint", "exch": "exchange"}


def applications() -> list[Application]:
    """All five applications in task-list order."""
    return list(_APPS)


def get_app(app_id: str) -> Application:
    """The application with this id (or alias); InvalidInput naming the choices otherwise."""
    key = (app_id or "").strip().lower()
    key = _ALIASES.get(key, key)
    if key in _BY_ID:
        return _BY_ID[key]
    close = difflib.get_close_matches(key, list(_BY_ID), n=2)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise InvalidInput("app", f"unknown application {app_id!r}{hint}; "
                              f"choose one of {', '.join(_BY_ID)}")


def protectable_app(app_id: str) -> Application:
    """Like :func:`get_app`, but InvalidInput when the application cannot be protected."""
    app = get_app(app_id)
    if not app.protectable:
        raise InvalidInput("app", app.not_protectable_reason)
    return app
