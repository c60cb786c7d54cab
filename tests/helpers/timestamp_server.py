"""A local RFC 3161 timestamp server for PAdES B-T tests: pyHanko's DummyTimeStamper answering HTTP POSTs
in a thread of the test process (`compliance sign --timestamp-url http://127.0.0.1:PORT/`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def timestamp_server(tsa_key, tsa_certificate, chain=()) -> Iterator[str]:
    """Serve timestamps signed by the TSA (cryptography key and certificate); yields the URL."""
    from asn1crypto import keys, tsp, x509
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from pyhanko.sign.timestamps import DummyTimeStamper

    def asn1_certificate(certificate):
        return x509.Certificate.load(certificate.public_bytes(Encoding.DER))

    stamper = DummyTimeStamper(
        tsa_cert=asn1_certificate(tsa_certificate),
        tsa_key=keys.PrivateKeyInfo.load(tsa_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())),
        certs_to_embed=[asn1_certificate(c) for c in chain],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # quiet: the test output is the test's
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
