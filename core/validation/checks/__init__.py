"""The built-in checks; importing this package registers them all.

Modules are imported in this order so each group of the report reads from the
basics to the details (credentials before drive letters, the application's
support before its settings).
"""

from importlib import import_module

MODULES = (
    "servers", "program_files", "admin_host", "pairs", "versions", "clusters", "exchange",
    "exchange_paths", "sql", "sql_dbonly", "sharepoint", "blackberry", "services", "dns", "dns_zone",
    "directory", "domain", "engine", "configuration", "monitoring",
)

for _name in MODULES:
    import_module(f"core.validation.checks.{_name}")
