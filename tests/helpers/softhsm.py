"""A SoftHSM token holding a signer's key and certificate, for the PKCS#11 signing tests: what a company's
USB signing token looks like to `compliance sign --pkcs11-lib`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PIN = "1234"
CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
              "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")

_ADD_CERTIFICATE = """
import sys, pkcs11
from cryptography import x509
from pkcs11 import Attribute, CertificateType, ObjectClass
library, label, der_path, pin = sys.argv[1:]
der = open(der_path, "rb").read()
token = pkcs11.lib(library).get_slots(token_present=True)[0].get_token()
with token.open(rw=True, user_pin=pin) as session:
    session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                           Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: b"\\x01",
                           Attribute.SUBJECT: x509.load_der_x509_certificate(der).subject.public_bytes(),
                           Attribute.VALUE: der})
"""


def softhsm_library() -> Path | None:
    if shutil.which("softhsm2-util") is None:
        return None
    return next((Path(p) for p in CANDIDATES if Path(p).is_file()), None)


def make_token(folder: Path, key, certificate, label: str) -> tuple[Path, dict[str, str]]:
    """A token in `folder` with the key and certificate under `label`; returns (module, env for the CLI)."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    library = softhsm_library()
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(config)}
    key_pem = folder / "key.pem"
    key_pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    cert_der = folder / "cert.der"
    cert_der.write_bytes(certificate.public_bytes(Encoding.DER))

    def run(*args: str) -> None:
        subprocess.run(args, env=env, check=True, capture_output=True, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", "signing", "--pin", PIN, "--so-pin", "87654321")
    run("softhsm2-util", "--import", str(key_pem), "--token", "signing", "--label", label, "--id", "01",
        "--pin", PIN)
    run(sys.executable, "-c", _ADD_CERTIFICATE, str(library), label, str(cert_der), PIN)
    key_pem.unlink()
    return library, {"SOFTHSM2_CONF": str(config)}
