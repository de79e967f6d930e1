"""Directory checks: the domain."""

from __future__ import annotations

from core.config.parsers import parse_domain
from core.errors import InvalidInput
from core.validation.base import Outcome, check, error, passed
from core.validation.context import ValidationContext


@check("directory.domain_suffix", "Domain name has a suffix", "directory")
def domain_suffix(v: ValidationContext) -> Outcome:
    if not v.domain:
        return error("the domain of the servers is not known: enter it on the Setup tab")
    try:
        name = parse_domain(v.domain, "domain")
    except InvalidInput as exc:
        return error(exc.message)
    return passed(f"{name} has a suffix")
