"""Test certificates made at test time: a root CA and one signer per party, as PKCS#12 files with a
passphrase, and the root as PEM for `compliance verify --trust`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

PASSPHRASE = b"correct horse battery staple"


@dataclass(frozen=True)
class SigningPki:
    root: tuple  # (key, certificate), to issue more (a timestamp authority)
    party_a: tuple
    root_pem: Path
    party_a_p12: Path
    party_b_p12: Path
    passphrase_file: Path
    other_root_pem: Path  # a root that signed neither party


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca: bool, valid: tuple | None = None,
                 signing_usage: bool = True):
    """`valid`: (not before, not after), default from yesterday for a year; `signing_usage=False`: a signer's
    key usage of key encipherment only (no digitalSignature, no nonRepudiation)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = dt.datetime.now(dt.UTC)
    not_before, not_after = valid or (now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    signs = not ca and signing_usage
    usage = dict(digital_signature=signs, content_commitment=signs, key_encipherment=not ca and not signing_usage,
                 data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                 encipher_only=False, decipher_only=False)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def make_root(common_name: str = "Test Root CA"):
    key = _key()
    return key, _certificate(common_name, key, _name(common_name), key, ca=True)


def make_signer(common_name: str, root, *, valid: tuple | None = None, signing_usage: bool = True) -> tuple:
    """A signer's key and certificate issued by `root`; `valid` (not before, not after) makes one expired or
    not yet valid, `signing_usage=False` one whose key usage does not allow signing."""
    root_key, root_cert = root
    key = _key()
    return key, _certificate(common_name, key, root_cert.subject, root_key, ca=False, valid=valid,
                             signing_usage=signing_usage)


def write_pem(path: Path, certificate) -> Path:
    from cryptography.hazmat.primitives.serialization import Encoding

    path.write_bytes(certificate.public_bytes(Encoding.PEM))
    return path


def write_p12(path: Path, name: str, key, certificate, chain, passphrase: bytes = PASSPHRASE) -> Path:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    path.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), key, certificate, list(chain), BestAvailableEncryption(passphrase)))
    return path


def write_p12_without_key(path: Path, name: str, certificate, chain, passphrase: bytes = PASSPHRASE) -> Path:
    """A PKCS#12 file holding certificates only (an export of the certificate without its private key)."""
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    path.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), None, certificate, list(chain), BestAvailableEncryption(passphrase)))
    return path


def make_test_pki(folder: Path) -> SigningPki:
    """The root, Party A's signer (Latin name) and Party B's (a Chinese name, to show it renders)."""
    folder.mkdir(parents=True, exist_ok=True)
    root = make_root()
    party_a = make_signer("Yi Yang", root)
    party_b = make_signer("王小明", root)
    passphrase_file = folder / "passphrase.txt"
    passphrase_file.write_bytes(PASSPHRASE + b"\n")
    return SigningPki(
        root=root, party_a=party_a, root_pem=write_pem(folder / "root.pem", root[1]),
        party_a_p12=write_p12(folder / "party-a.p12", "party-a", *party_a, [root[1]]),
        party_b_p12=write_p12(folder / "party-b.p12", "party-b", *party_b, [root[1]]),
        passphrase_file=passphrase_file,
        other_root_pem=write_pem(folder / "other-root.pem", make_root("Another Root CA")[1]),
    )


def make_tsa(root):
    """A timestamp authority's key and certificate (extended key usage timeStamping, critical: RFC 3161);
    RSA, because pyHanko's DummyTimeStamper signs with RSA only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    root_key, root_cert = root
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(_name("Test Timestamp Authority")).issuer_name(root_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return key, certificate
