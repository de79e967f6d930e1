"""The Textual console of appmgr (SPEC F-3): screens, widgets, command palette.

Import :func:`tui.run.run_tui` or :class:`tui.app.AppmgrApp`; this package
only talks to core through :class:`core.console_api.ConsoleApi`.
"""
