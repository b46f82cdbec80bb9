"""Small helpers the benches share: their own database's URL, a free loopback port, and the
nearest-rank percentile."""

from __future__ import annotations

import math
import socket
from urllib.parse import urlsplit, urlunsplit


def with_database(dsn: str, database: str) -> str:
    """``dsn`` pointing at ``database`` on the same server."""
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


def free_port() -> int:
    """A port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]
