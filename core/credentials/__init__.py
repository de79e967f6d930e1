"""The credential cache (SPEC F-12).

``usernames`` parses the accepted user-name forms (pure Python);
``store`` is the keyring adapter behind :class:`core.ports.SecretStore`;
``backend`` chooses the keyring backend explicitly; ``memory`` is an
in-memory backend (tests, lab); ``lab`` pre-fills a store with the lab's
known accounts. Import the submodule you need: only ``store``, ``backend``
and ``memory`` import keyring.
"""
