"""The signatory's key: a PKCS#12 file (.p12/.pfx) with its passphrase, or a key on a PKCS#11 token (a USB
signing token, an HSM) opened with its user PIN. Either way the result is a pyHanko Signer for the time
of one signature; a token session is closed afterwards.

check_certificate: a certificate signs only inside its validity period and with a key usage for signing
(digitalSignature or nonRepudiation, RFC 5280 4.2.1.3), the same rules `verify` applies afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SIGNING_KEY_USAGES = ("digital_signature", "non_repudiation")  # one of them (X.509 names, as asn1crypto gives)


class SigningError(ValueError):
    """A document that cannot be signed as asked, or a key that cannot be used; str() is one plain sentence."""


@dataclass(frozen=True)
class Pkcs12Key:
    """A PKCS#12 file holding the signer's key, certificate and (optionally) its chain."""

    path: Path
    passphrase: bytes | None = None


@dataclass(frozen=True)
class Pkcs11Key:
    """A key on a PKCS#11 token: the module (.so), the slot (the first token when None), the key's label
    (its certificate carries the same label, as tokens are usually provisioned) and the user PIN."""

    library: Path
    key_label: str
    slot: int | None = None
    pin: str | None = None


@contextmanager
def open_signer(key: Pkcs12Key | Pkcs11Key) -> Iterator[object]:
    """A pyHanko Signer for `key`; raises SigningError naming what is wrong with the key."""
    if isinstance(key, Pkcs12Key):
        yield _pkcs12_signer(key)
    else:
        with _pkcs11_signer(key) as signer:
            yield signer


def _pkcs12_signer(key: Pkcs12Key):
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = key.path.read_bytes()
    except OSError as exc:
        raise SigningError(f"--key {key.path}: cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    try:
        private_key, certificate, _ = pkcs12.load_key_and_certificates(data, key.passphrase)
    except ValueError:  # cryptography does not tell a wrong passphrase from a damaged file
        if key.passphrase is None:
            raise SigningError(f"--key {key.path}: cannot open it without a passphrase; give --passphrase-file, "
                               "or run at a terminal to be asked for it") from None
        raise SigningError(f"--key {key.path}: the passphrase is wrong, or it is not a PKCS#12 key file") from None
    if private_key is None:
        raise SigningError(f"--key {key.path}: holds no private key (certificates only); export the signing "
                           "certificate together with its private key into the .p12 file")
    if certificate is None:
        raise SigningError(f"--key {key.path}: holds a private key but not its certificate; export the key "
                           "together with its certificate into the .p12 file")
    return SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=key.passphrase)


def check_certificate(certificate, key: Pkcs12Key | Pkcs11Key, at: dt.datetime) -> None:
    """Refuse (SigningError) a signing certificate outside its validity period at `at`, or one whose key
    usage allows no signing; the sentence names the key, the certificate's holder and its dates."""
    where = f"--key {key.path}" if isinstance(key, Pkcs12Key) else f"--key-label {key.key_label}"
    holder = certificate.subject.native.get("common_name") or certificate.subject.human_friendly
    start, end = certificate.not_valid_before, certificate.not_valid_after
    period = f"valid from {utc_text(start)} to {utc_text(end)}"
    if at > end:
        raise SigningError(f"{where}: the certificate of {holder} expired on {utc_text(end)} ({period}) and cannot "
                           f"sign now ({utc_text(at)}); ask its issuer for a new certificate")
    if at < start:
        raise SigningError(f"{where}: the certificate of {holder} is not valid until {utc_text(start)} ({period}) and "
                           f"cannot sign now ({utc_text(at)}); sign once it is valid, or with another key")
    usage = certificate.key_usage_value
    usages = set(usage.native) if usage is not None else set()
    if not usages & set(SIGNING_KEY_USAGES):
        have = ", ".join(sorted(u.replace("_", " ") for u in usages)) if usage is not None else "none stated"
        raise SigningError(f"{where}: the certificate of {holder} is not for signing (its key usage: {have}; "
                           "a signing certificate has digital signature or non-repudiation)")


def utc_text(moment: dt.datetime) -> str:
    """A certificate's date as a sentence shows it: 2026-11-06 22:19 UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@contextmanager
def _pkcs11_signer(key: Pkcs11Key) -> Iterator[object]:
    try:
        from pkcs11 import exceptions as p11
        from pyhanko.sign.pkcs11 import PKCS11Error, PKCS11Signer, open_pkcs11_session
    except ImportError as exc:  # pragma: no cover (python-pkcs11 is a dependency)
        raise SigningError(f"PKCS#11 support is not installed ({exc})") from None
    if not key.library.is_file():
        raise SigningError(f"--pkcs11-lib {key.library}: no such file (the token's PKCS#11 module, a .so)")
    try:
        session = open_pkcs11_session(str(key.library), slot_no=key.slot, user_pin=key.pin)
    except p11.PinIncorrect:
        raise SigningError("the token refused the PIN (--passphrase-file holds the token's user PIN)") from None
    except (PKCS11Error, p11.PKCS11Error, RuntimeError, OSError) as exc:
        where = f"slot {key.slot}" if key.slot is not None else "any slot"
        raise SigningError(f"--pkcs11-lib {key.library}: no usable token in {where} "
                           f"({' '.join(str(exc).split()) or exc.__class__.__name__})") from None
    try:
        # The digest is computed here and the token signs it (CKM_ECDSA, CKM_RSA_PKCS): every token has the
        # raw mechanisms, not all have the hash-and-sign ones (SoftHSM lacks CKM_ECDSA_SHA256).
        signer = PKCS11Signer(session, key_label=key.key_label, cert_label=key.key_label, use_raw_mechanism=True)
        try:
            signer.signing_cert  # noqa: B018 (find the key's certificate now, to name a wrong label plainly)
        except (PKCS11Error, p11.PKCS11Error) as exc:
            raise SigningError(f"--key-label {key.key_label}: the token holds no key and certificate with this "
                               f"label ({' '.join(str(exc).split())})") from None
        yield signer
    finally:
        session.close()
