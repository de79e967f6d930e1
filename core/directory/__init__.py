"""Directory adapters (ldap3) behind the :class:`core.ports.Directory` port.

Import the submodules you need: ``entries`` (pure parsing, no ldap3),
``ldap_directory`` (the adapter), ``connect`` (opening a real server).
"""
