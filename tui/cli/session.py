"""Building the Console a command works on: the lab's or the real estate's."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from core.lab.runtime import read_runtime
from core.paths import app_paths
from core.settings import load_settings
from tui.cli.secret_input import passphrase_callback

if TYPE_CHECKING:
    from core.console import Console
    from core.context import Context
    from core.credentials.backend import PassphraseCallback
    from core.paths import AppPaths


def use_lab(args: argparse.Namespace) -> bool:
    """``--lab``, or a lab running in this APPMGR_HOME when nothing else is configured."""
    if getattr(args, "lab", False):
        return True
    from core.domains import DomainSettings

    paths = app_paths()
    if read_runtime(paths.lab) is not None and not DomainSettings(paths.config).exists():
        print("appmgr: using the running lab estate (lab.example.com)", file=sys.stderr)
        return True
    return False


def open_context(args: argparse.Namespace) -> Context:
    """Only the Context: enough for `status`, which must start fast (no Console, no apps).
    A like-named target (``EVS1_LN``) is reached through its node, as the Console does."""
    from core.protection.like_named import store_routed
    from core.store import PairStore

    paths = app_paths().ensure()
    settings = load_settings(paths.config / "settings.json")
    if use_lab(args):
        from core.lab.context import lab_context

        ctx = lab_context(paths, settings)
        return store_routed(ctx, PairStore(ctx.paths))
    from core.wiring import real_context

    ctx = real_context(paths, settings, current_domain(paths), passphrase=passphrase_callback(args),
                       alt_dns=bool(getattr(args, "altdns", False)) or settings.alt_dns)
    return store_routed(ctx, PairStore(ctx.paths))


def open_console(args: argparse.Namespace,
                 passphrase: PassphraseCallback | None = None) -> Console:
    """The Console of a command; ``passphrase`` asks the credential file's passphrase
    (default: the headless sources of :mod:`tui.cli.secret_input`; the console's dialog)."""
    from core.console import Console

    paths = app_paths().ensure()
    settings = load_settings(paths.config / "settings.json")
    advanced = bool(getattr(args, "advanced", False))
    debug = bool(getattr(args, "debug", False))
    # launch flags of F-2 that the console itself honours
    flags = {"nosqlsearch": bool(getattr(args, "nosqlsearch", False)),
             "alt_dns": bool(getattr(args, "altdns", False)) or settings.alt_dns}
    if use_lab(args):
        from core.lab.context import lab_context, running_lab

        ctx = lab_context(paths, settings)
        _, estate = running_lab(paths)
        return Console(ctx, advanced=advanced, debug=debug,
                       lab_account=(estate.admin_user, estate.admin_password), **flags)
    from core.wiring import real_context

    ctx = real_context(paths, settings, current_domain(paths),
                       passphrase=passphrase or passphrase_callback(args),
                       alt_dns=flags["alt_dns"])
    return Console(ctx, advanced=advanced, debug=debug, nosqlsearch=flags["nosqlsearch"],
                   alt_dns=flags["alt_dns"])


def current_domain(paths: AppPaths) -> str:
    """The domain last logged in to (``domain login``), else the old domain.txt's, else
    this host's own DNS domain."""
    from core.discovery import default_domain
    from core.domains import DomainSettings

    return DomainSettings(paths.config).current() or default_domain()
