"""TSIG keys (RFC 8945) and BIND key files.

A key file as written by ``tsig-keygen``::

    key "failover-key" {
        algorithm hmac-sha256;
        secret "kS0x...=";
    };

The secret never appears in ``repr``, exceptions or logs (ARCHITECTURE rule 6).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.dns.names import fqdn
from core.errors import InvalidInput

#: HMAC algorithms of RFC 8945 (dnspython supports each of them).
ALGORITHMS = (
    "hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha256-128",
    "hmac-sha384", "hmac-sha384-192", "hmac-sha512", "hmac-sha512-256",
)
_ALIASES = {"hmac-md5.sig-alg.reg.int": "hmac-md5"}
#: a key file holds a few key statements; anything larger is not one
KEY_FILE_MAX = 64 * 1024


@dataclass(frozen=True)
class TsigKey:
    """A shared TSIG key: absolute name, algorithm name and base64 secret."""

    name: str
    algorithm: str
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", fqdn(self.name, "key name"))
        object.__setattr__(self, "algorithm", normalize_algorithm(self.algorithm))
        object.__setattr__(self, "secret", normalize_secret(self.secret))

    def secret_bytes(self) -> bytes:
        return base64.b64decode(self.secret)


def normalize_algorithm(text: str) -> str:
    """Lower-case algorithm name without a trailing dot; InvalidInput if unknown."""
    alg = text.strip().rstrip(".").lower()
    alg = _ALIASES.get(alg, alg)
    if alg not in ALGORITHMS:
        raise InvalidInput("algorithm", f"{text!r} is not a TSIG algorithm ({', '.join(ALGORITHMS)})")
    return alg


def normalize_secret(text: str) -> str:
    """The secret as canonical base64; InvalidInput (without the value) otherwise."""
    compact = "".join(text.split())
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("secret", "the TSIG secret is not valid base64") from exc
    if not raw:
        raise InvalidInput("secret", "the TSIG secret is empty")
    return base64.b64encode(raw).decode("ascii")


# --- BIND key files -----------------------------------------------------------
_TOKEN = re.compile(
    r'\s+|#[^\n]*|//[^\n]*|/\*.*?\*/|"(?P<str>(?:[^"\\]|\\.)*)"|(?P<punct>[{};])|(?P<word>[^\s{};"]+)',
    re.S,
)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise InvalidInput("key file", f"unexpected character at offset {pos}")
        pos = m.end()
        if m.group("str") is not None:
            out.append('"' + re.sub(r"\\(.)", r"\1", m.group("str")))
        elif m.group("punct") or m.group("word"):
            out.append(m.group(0))
    return out


def parse_key_file(text: str) -> list[TsigKey]:
    """Every ``key`` statement of a BIND configuration fragment.

    Statements other than ``key`` are skipped (a named.conf may be given);
    a key without algorithm or secret, or a malformed block, raises InvalidInput.
    """
    toks = _tokens(text)
    keys: list[TsigKey] = []
    i = 0

    def expect(tok: str) -> None:
        nonlocal i
        if i >= len(toks) or toks[i] != tok:
            got = _val(toks[i]) if i < len(toks) else "end of file"
            raise InvalidInput("key file", f"expected {tok!r}, found {got!r}")
        i += 1

    while i < len(toks):
        if toks[i] != "key":
            i = _skip_statement(toks, i)
            continue
        i += 1
        if i >= len(toks) or toks[i] in "{};":
            raise InvalidInput("key file", "a key statement needs a name")
        name = _val(toks[i])
        i += 1
        expect("{")
        opts: dict[str, str] = {}
        while i < len(toks) and toks[i] != "}":
            if i + 1 >= len(toks):
                break
            opts[_val(toks[i]).lower()] = _val(toks[i + 1])
            i += 2
            expect(";")
        expect("}")
        expect(";")
        missing = [k for k in ("algorithm", "secret") if k not in opts]
        if missing:
            raise InvalidInput("key file", f"key {name!r} has no {' or '.join(missing)}")
        keys.append(TsigKey(name, opts["algorithm"], opts["secret"]))
    return keys


def _val(tok: str) -> str:
    """A token's text: quoted strings carry a leading '"' marker from the tokenizer."""
    return tok[1:] if tok.startswith('"') else tok


def _skip_statement(toks: list[str], i: int) -> int:
    """Index after the statement starting at ``i`` (nested braces balanced)."""
    depth = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok == ";" and depth <= 0:
            return i
    return i


def load_key_file(path: Path, name: str | None = None) -> TsigKey:
    """The key named ``name`` (or the only/first key) of the BIND key file at ``path``."""
    try:
        with Path(path).open("rb") as f:
            data = f.read(KEY_FILE_MAX + 1)
    except OSError as exc:
        raise InvalidInput("key file", f"cannot read {path}: {exc.strerror}") from exc
    if len(data) > KEY_FILE_MAX:
        raise InvalidInput("key file", f"{path} is not a BIND key file: it is larger than "
                                       f"{KEY_FILE_MAX // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # a binary file (a DNSSEC key, a keytab) given by mistake
        raise InvalidInput("key file", f"{path} is not a BIND key file: it is not text "
                                       "(write one with tsig-keygen)") from None
    keys = parse_key_file(text)
    if name is not None:
        wanted = fqdn(name, "key name")
        keys = [k for k in keys if k.name == wanted]
    if not keys:
        what = f"no key {name!r}" if name else "no key statement"
        raise InvalidInput("key file", f"{path} has {what}")
    return keys[0]


def format_key_file(key: TsigKey) -> str:
    """``key`` as a BIND key statement (what ``tsig-keygen`` prints)."""
    return (
        f'key "{key.name.rstrip(".")}" {{\n'
        f"\talgorithm {key.algorithm};\n"
        f'\tsecret "{key.secret}";\n'
        "};\n"
    )
