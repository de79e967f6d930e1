"""The Textual console of appmgr (SPEC F-3): screens, widgets, command palette.

Import :func:`tui.run.run_tui` or :class:`tui.app.AppmgrApp`; this package
talks to core through the façade :class:`core.console.api.ConsoleApi` and the
value modules listed in tests/core/test_import_rules.py (``TUI_ALLOWED``).
"""
