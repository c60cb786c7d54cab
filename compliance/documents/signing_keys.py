"""The signatory's key: a PKCS#12 file (.p12/.pfx) with its passphrase, or a key on a PKCS#11 token (a USB
signing token, an HSM) opened with its user PIN. Either way the result is a pyHanko Signer for the time
of one signature; a token session is closed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


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
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = key.path.read_bytes()
    except OSError as exc:
        raise SigningError(f"--key {key.path}: cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=key.passphrase)
    except ValueError:  # cryptography does not tell a wrong passphrase from a damaged file
        if key.passphrase is None:
            raise SigningError(f"--key {key.path}: cannot open it without a passphrase; give --passphrase-file, "
                               "or run at a terminal to be asked for it") from None
        raise SigningError(f"--key {key.path}: the passphrase is wrong, or it is not a PKCS#12 key file") from None


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
