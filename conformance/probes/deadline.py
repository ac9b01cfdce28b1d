"""A deadline on a whole HTTP exchange, headers included.

requests' ``timeout`` bounds each read of the socket, not the exchange: a server that trickles
one byte of its status line or headers every few seconds keeps every read short and the run
waiting for ever. The session's adapter remembers the sockets it opens; when a deadline passes,
a timer shuts them down, which ends the blocked read at once (plain or TLS alike).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from types import TracebackType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Sockets = weakref.WeakSet[socket.socket]


class TrackedAdapter(HTTPAdapter):
    """An adapter whose connections register their sockets in ``sockets``."""

    def __init__(self) -> None:
        self.sockets: Sockets = weakref.WeakSet()  # before super(), which builds the pools
        super().__init__()

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.sockets)


def _pool_classes(sockets: Sockets) -> dict[str, type[HTTPConnectionPool]]:
    class Plain(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)

    class Secure(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)

    class PlainPool(HTTPConnectionPool):
        ConnectionCls = Plain

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = Secure

    return {"http": PlainPool, "https": SecurePool}


def tracked_session() -> tuple[requests.Session, Sockets]:
    """A session that uses no proxies or .netrc, and the sockets it opens."""
    session = requests.Session()
    session.trust_env = False
    adapter = TrackedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session, adapter.sockets


class Deadline:
    """``with Deadline(seconds, sockets) as d:`` — past ``seconds`` the sockets are shut down
    (the blocked read fails or ends early) and ``d.expired`` is true."""

    def __init__(self, seconds: float, sockets: Sockets) -> None:
        self.sockets = sockets
        self.expired = False
        # past TIMEOUT_MAX the timer's thread dies of an OverflowError and nothing is cut
        self.timer = threading.Timer(min(max(seconds, 0.0), threading.TIMEOUT_MAX), self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        self.expired = True
        for sock in list(self.sockets):
            # the base class's shutdown: an SSLSocket's own would drop its TLS state
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> Deadline:
        self.timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.timer.cancel()
