"""Textual stylesheets of the console (package data, read via importlib.resources)."""
