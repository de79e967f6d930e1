"""The built-in checks; importing this package registers them all."""

from core.validation.checks import (  # noqa: F401  (imported for registration)
    configuration,
    directory,
    dns,
    engine,
    pairs,
    servers,
)
