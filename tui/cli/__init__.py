"""Headless command line (SPEC F-15). Never imports Textual."""
