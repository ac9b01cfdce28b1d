"""Which TLS versions a supplier's HTTPS endpoint still accepts (API-007 wants 1.2 or newer).

One handshake capped at TLS 1.1, certificate unchecked (only the protocol is under test; the
probes' own requests verify certificates as usual). Where the local OpenSSL cannot speak TLS
1.1 at all, the question cannot be asked here and the answer is None, not "secure".
"""

from __future__ import annotations

import socket
import ssl
import warnings


def can_offer_old_tls() -> bool:
    """Whether this machine's OpenSSL can offer TLS 1.1 (needed to test a server for it)."""
    return bool(getattr(ssl, "HAS_TLSv1_1", False))


def old_tls_accepted(host: str, port: int, timeout: float = 10) -> str | None:
    """The pre-1.2 TLS version the server agreed to, or None if it refused every one."""
    with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the old protocols be offered at all
    # A refused connection is not a refused protocol: that OSError reaches the caller.
    with socket.create_connection((host, port), timeout=timeout) as raw:
        try:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                return tls.version()
        except (ssl.SSLError, ConnectionResetError):  # the server refused the old protocol
            return None
