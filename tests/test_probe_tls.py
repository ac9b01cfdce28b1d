"""API-007's TLS-version probe against real TLS servers on loopback: one that still speaks TLS
1.1 is caught, one that requires 1.2 passes. Skips where this machine's OpenSSL cannot speak TLS
1.1 at all (the question cannot be asked there)."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conformance.probes.tls import can_offer_old_tls, old_tls_accepted

pytestmark = pytest.mark.skipif(
    not can_offer_old_tls(), reason="this machine's OpenSSL cannot offer TLS 1.1"
)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


@contextmanager
def _tls_server(
    folder: Path, minimum: ssl.TLSVersion, errors: list[str] | None = None
) -> Iterator[int]:
    cert, key = _certificate(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.minimum_version = minimum
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        try:
            with context.wrap_socket(connection, server_side=True):
                pass
        except (ssl.SSLError, OSError) as exc:
            connection.close()
            if errors is not None:
                errors.append(str(exc))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=10)


def test_a_server_still_speaking_tls_1_1_is_caught(tmp_path: Path) -> None:
    errors: list[str] = []
    with _tls_server(tmp_path, ssl.TLSVersion.TLSv1, errors) as port:
        accepted = old_tls_accepted("127.0.0.1", port)
    if accepted is None and any("protocol" in e.lower() for e in errors):
        pytest.skip(f"this machine's OpenSSL will not serve TLS 1.1 either: {errors[0]}")
    assert accepted in ("TLSv1.1", "TLSv1"), errors


def test_a_server_requiring_tls_1_2_passes(tmp_path: Path) -> None:
    with _tls_server(tmp_path, ssl.TLSVersion.TLSv1_2) as port:
        assert old_tls_accepted("127.0.0.1", port) is None
