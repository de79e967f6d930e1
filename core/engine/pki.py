"""The estate's small certificate authority: keys and certificates appmgr makes.

One CA per estate (created by appmgr, its key kept in the console's
SecretStore), one certificate per engine (role ``engine``: server and client
authentication, since an engine is the client of its targets) and one for the
console (role ``console``: client authentication only, so it can never pose as
an engine). The role is the certificate's organisational unit and the name its
common name; :mod:`core.engine.tls` reads them back. Keys are ECDSA P-256:
small enough for a keyring entry, milliseconds to make. Nothing here is
derived from a password: every key comes from the operating system's CSPRNG.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from core.engine.tls import ROLE_CONSOLE, ROLE_ENGINE

VALID_DAYS = 3650


@dataclass(frozen=True)
class Issued:
    """A private key (PEM, PKCS#8, unencrypted) and its certificate (PEM)."""

    cert_pem: str
    key_pem: str = field(repr=False)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # clock skew


def new_ca(estate: str) -> Issued:
    """A fresh CA for ``estate`` (e.g. the domain name)."""
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"appmgr estate {estate}"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"appmgr CA {estate}")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_now()).not_valid_after(_now() + dt.timedelta(days=VALID_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return Issued(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"), _pem_key(key))


def issue(ca: Issued, role: str, name: str, ips: tuple[str, ...] = (),
          dns: tuple[str, ...] = ()) -> Issued:
    """A key and a certificate for ``name`` in ``role`` (engine or console), signed by ``ca``."""
    key = _key()
    return Issued(_certificate(ca, role, name, key.public_key(), ips, dns), _pem_key(key))


def _certificate(ca: Issued, role: str, name: str, public: ec.EllipticCurvePublicKey,
                 ips: tuple[str, ...], dns: tuple[str, ...]) -> str:
    if role not in (ROLE_ENGINE, ROLE_CONSOLE):
        raise ValueError(f"unknown certificate role {role!r}")
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem.encode("ascii"))
    ca_key = serialization.load_pem_private_key(ca.key_pem.encode("ascii"), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    org = ca_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    subject = x509.Name([*org, x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
    if role == ROLE_ENGINE:
        usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
               .public_key(public).serial_number(x509.random_serial_number())
               .not_valid_before(_now()).not_valid_after(_now() + dt.timedelta(days=VALID_DAYS))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca_key.public_key()), critical=False))
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    alt += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    if alt:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def issued_by(cert_pem: str, ca_pem: str) -> bool:
    """Whether ``cert_pem`` was signed by the CA of ``ca_pem`` (and is still valid)."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode("ascii"))
        ca = x509.load_pem_x509_certificate(ca_pem.encode("ascii"))
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return cert.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=30)


def encrypted_key(key_pem: str, password: bytes) -> str:
    """``key_pem`` encrypted with ``password`` (for loading through a temporary file)."""
    key = serialization.load_pem_private_key(key_pem.encode("ascii"), None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(password)).decode("ascii")


def make_request(name: str, ips: tuple[str, ...] = (), dns: tuple[str, ...] = ()) -> Issued:
    """A new engine key and a certificate signing request for it (``cert_pem`` holds the
    request): made on the engine's host, so its key never travels."""
    key = _key()
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    alt += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    if alt:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    csr = builder.sign(key, hashes.SHA256())
    return Issued(csr.public_bytes(serialization.Encoding.PEM).decode("ascii"), _pem_key(key))


def sign_request(ca: Issued, csr_pem: str) -> str:
    """An engine certificate for the key of ``csr_pem`` (its name and addresses kept;
    the role is always ``engine``, whatever the request asks)."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode("ascii"))
    except ValueError as exc:
        raise ValueError(f"not a certificate request: {exc}") from exc
    if not csr.is_signature_valid:
        raise ValueError("the certificate request's signature does not verify")
    names = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        raise ValueError("the certificate request names no engine")
    try:
        alt = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        ips = tuple(str(a) for a in alt.get_values_for_type(x509.IPAddress))
        dns = tuple(alt.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        ips, dns = (), ()
    key = csr.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return _certificate(ca, ROLE_ENGINE, str(names[0].value), key, ips, dns)
